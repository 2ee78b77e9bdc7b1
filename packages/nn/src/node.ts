import { randomBytes } from 'node:crypto';
import { type FileHandle, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  FormatError,
  GenError,
  type HasWeights,
  invalidArgument,
  type NamedTensors,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { Module } from './module.js';
import { decodeWeightsFileAs, encodeWeightsFile } from './weights-file.js';

function isHasWeights(value: unknown): value is HasWeights {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as HasWeights).getWeights === 'function' &&
    typeof (value as HasWeights).setWeights === 'function'
  );
}

/**
 * Writes weights (named tensors, or a module's `getWeights()`) to the single file `path` in the
 * layout of {@link encodeWeightsFile} (`.genw` by convention). The write is atomic: the bytes
 * go to a temporary file in the same directory, are flushed, and the file is renamed over
 * `path`, so readers see the old file or the new one, never a mix; on failure the temporary
 * file is removed and the file-system error is rethrown.
 *
 * ```ts
 * import { saveWeights, loadWeightsInto } from '@gen/nn/node';
 * await saveWeights('mlp.genw', mlp);
 * await loadWeightsInto(sameShapedMlp, 'mlp.genw');
 * ```
 */
export async function saveWeights(path: string, source: NamedTensors | HasWeights): Promise<void> {
  if (typeof path !== 'string' || path.length === 0) {
    throw invalidArgument('saveWeights', 'path', path, 'must be a non-empty string');
  }
  let bytes: Uint8Array;
  if (isHasWeights(source)) {
    const weights = source.getWeights();
    try {
      bytes = await encodeWeightsFile(weights);
    } finally {
      tf.dispose(weights);
    }
  } else {
    bytes = await encodeWeightsFile(source);
  }
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  let handle: FileHandle | undefined;
  try {
    handle = await open(temporary, 'wx');
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

async function readWeights(fn: string, path: unknown): Promise<NamedTensors> {
  if (typeof path !== 'string' || path.length === 0) {
    throw invalidArgument(fn, 'path', path, 'must be a non-empty string');
  }
  return decodeWeightsFileAs(`${fn}: file '${path}'`, await readFile(path));
}

/**
 * Reads a file written by {@link saveWeights}; the caller owns the tensors. A corrupted,
 * truncated or foreign file, or one holding NaN or ±Inf weights, throws `FormatError` naming
 * the file.
 */
export async function loadWeights(path: string): Promise<NamedTensors> {
  return readWeights('loadWeights', path);
}

/**
 * Loads `path` into `target` (a Module or any `HasWeights`). A file whose names or shapes do not
 * match the target throws `FormatError` (the target's own error is the `cause`) and leaves the
 * target unchanged.
 */
export async function loadWeightsInto(target: HasWeights, path: string): Promise<void> {
  if (!isHasWeights(target)) {
    throw invalidArgument('loadWeightsInto', 'target', target, 'must have getWeights/setWeights');
  }
  if (target instanceof Module && target.isDisposed) {
    throw invalidArgument('loadWeightsInto', 'target', target.name, 'must not be disposed');
  }
  const weights = await readWeights('loadWeightsInto', path);
  try {
    target.setWeights(weights);
  } catch (error) {
    if (!(error instanceof GenError)) throw error;
    throw new FormatError(`loadWeightsInto: '${path}' does not fit the target: ${error.message}`, {
      cause: error,
    });
  } finally {
    tf.dispose(weights);
  }
}
