/**
 * Weight files on disk (Node only): save a model's weights atomically and load them back.
 *
 * @packageDocumentation
 * @module @gen/nn/node
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import {
  FormatError,
  type HasWeights,
  invalidArgument,
  isGenError,
  type NamedTensors,
} from '@gen/core';
import { removeStaleTemporaries, writeFileAtomic } from '@gen/core/node';
import * as tf from '@tensorflow/tfjs-core';
import { isModule } from './module.js';
import { decodeWeightsFileAs, encodeWeightsFile } from './weights-file.js';

export { saveModel } from './save-model.js';

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
 * file is removed and the file-system error is rethrown. Temporary files that an earlier save
 * of the same path, killed mid-write, left behind are removed.
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
  // Orphans of a killed save are removed first: this file's own, nobody else's.
  await removeStaleTemporaries(dirname(path), basename(path));
  await writeFileAtomic(path, bytes);
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
  if (isModule(target) && target.isDisposed) {
    throw invalidArgument('loadWeightsInto', 'target', target.name, 'must not be disposed');
  }
  const weights = await readWeights('loadWeightsInto', path);
  try {
    target.setWeights(weights);
  } catch (error) {
    if (!isGenError(error)) throw error;
    throw new FormatError(`loadWeightsInto: '${path}' does not fit the target: ${error.message}`, {
      cause: error,
    });
  } finally {
    tf.dispose(weights);
  }
}
