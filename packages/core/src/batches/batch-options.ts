import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng.js';
import { assertInteger, assertKnownOptions, invalidArgument } from '../validate.js';

/** Where a batch iterator stands: the batch it yields next (both counted from 0). */
export interface BatchPosition {
  epoch: number;
  index: number;
}

/** Options of {@link batches}. */
export interface BatchOptions {
  /** Rows per batch (the last batch of an epoch may be smaller unless `dropLast`). */
  batchSize: number;
  /** Visit the rows of each epoch in a fresh random order (default true). */
  shuffle?: boolean;
  /**
   * Source of all randomness, advanced by one draw at construction (the seeding rule of
   * {@link batches}); or `seed` (default 0).
   */
  rng?: Rng;
  seed?: number;
  /** Drop each epoch's last, incomplete batch (default false). */
  dropLast?: boolean;
  /** Total epochs before the iterator ends (default 1; `Infinity` for an endless stream). */
  epochs?: number;
  /** Resume here instead of at `{ epoch: 0, index: 0 }` (pass the same `rng` state). */
  start?: BatchPosition;
  /**
   * Transform each batch, e.g. `bernoulliBinarize`; it gets an Rng that depends only on the
   * batch's position, and must return a new tensor, which becomes the batch.
   */
  map?: (batch: tf.Tensor, rng: Rng) => tf.Tensor;
}

/** Validated numbers of a batch iterator. */
export interface CheckedBatchOptions {
  batchSize: number;
  batchesPerEpoch: number;
  epochs: number;
  shuffle: boolean;
  start: BatchPosition;
}

function assertBoolean(fn: string, arg: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') throw invalidArgument(fn, arg, value, 'must be a boolean');
}

/** Validates the options of `batches` for `n` rows. */
export function checkBatchOptions(
  fn: string,
  n: number,
  options: BatchOptions,
): CheckedBatchOptions {
  const { batchSize, shuffle = true, dropLast = false, epochs = 1, start, map } = options;
  assertInteger(fn, 'batchSize', batchSize, 1);
  assertBoolean(fn, 'shuffle', shuffle);
  assertBoolean(fn, 'dropLast', dropLast);
  if (epochs !== Number.POSITIVE_INFINITY) assertInteger(fn, 'epochs', epochs, 1);
  if (map !== undefined && typeof map !== 'function') {
    throw invalidArgument(fn, 'map', map, 'must be a function (batch, rng) => tensor');
  }
  const batchesPerEpoch = dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  if (batchesPerEpoch === 0) {
    throw invalidArgument(
      fn,
      'batchSize',
      batchSize,
      `must be <= the ${n} rows of x when dropLast is true`,
    );
  }
  let position: BatchPosition = { epoch: 0, index: 0 };
  if (start !== undefined) {
    if (start === null || typeof start !== 'object') {
      throw invalidArgument(fn, 'start', start, 'must be a position { epoch, index }');
    }
    assertKnownOptions(`${fn} (start)`, start, ['epoch', 'index']);
    assertInteger(fn, 'start.epoch', start.epoch, 0);
    assertInteger(fn, 'start.index', start.index, 0, batchesPerEpoch - 1);
    position = { epoch: start.epoch, index: start.index };
  }
  return { batchSize, batchesPerEpoch, epochs, shuffle, start: position };
}
