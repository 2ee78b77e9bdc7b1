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
import { decodeWeightsFile, encodeWeightsFile } from './weights-file.js';

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

/** Reads a file written by {@link saveWeights}; the caller owns the tensors. */
export async function loadWeights(path: string): Promise<NamedTensors> {
  const bytes = await readFile(path);
  try {
    return decodeWeightsFile(bytes);
  } catch (error) {
    if (error instanceof FormatError) {
      throw new FormatError(`loadWeights: '${path}': ${error.message}`, { cause: error });
    }
    throw error;
  }
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
  const weights = await loadWeights(path);
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
