import {
  assertInteger,
  assertKnownOptions,
  type Batch,
  invalidArgument,
  type Rng,
  type Trainable,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { assertConditional, examplesOf, sliceRows } from './data/conditional.js';

/** Held-out data for `fit`, evaluated every `every` steps into `validationLoss`. */
export interface ValidationOptions<B extends Batch = tf.Tensor> {
  /** A tensor `[n, ...]`, or `{ x, condition }` for a conditional model (as the training data). */
  data: B;
  every: number;
  /** Evaluate in chunks of this many rows (default: all at once); the mean is over all rows. */
  batchSize?: number;
}

/** Validates `fit`'s `validation` option. */
export function parseValidation(fn: string, value: unknown): ValidationOptions<Batch> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') {
    throw invalidArgument(fn, 'validation', value, 'must be { data, every, batchSize? }');
  }
  assertKnownOptions(`${fn}: validation`, value, ['data', 'every', 'batchSize']);
  const { data, every, batchSize } = value as Partial<ValidationOptions<Batch>>;
  if (data !== null && typeof data === 'object' && !(data instanceof tf.Tensor)) {
    assertConditional(fn, 'validation.data', data);
    if (data.x.shape[0] === 0) {
      throw invalidArgument(fn, 'validation.data.x', data.x, 'must have n >= 1 rows');
    }
  } else if (
    !(data instanceof tf.Tensor) ||
    data.isDisposed ||
    data.rank === 0 ||
    data.shape[0] === 0
  ) {
    throw invalidArgument(
      fn,
      'validation.data',
      data,
      'must be a live tensor [n, ...] with n >= 1 or { x, condition }',
    );
  }
  assertInteger(fn, 'validation.every', every, 1);
  if (batchSize !== undefined) assertInteger(fn, 'validation.batchSize', batchSize, 1);
  return batchSize === undefined ? { data, every } : { data, every, batchSize };
}

/**
 * The mean of `model.loss` over every row of the validation data: chunk losses weighted by
 * their sizes, so chunking does not change the value (up to rounding).
 */
export function validationLoss(
  model: Trainable<Batch>,
  v: ValidationOptions<Batch>,
  rng: Rng,
): tf.Scalar {
  return tf.tidy(() => {
    const n = examplesOf(v.data).shape[0]!;
    const size = v.batchSize ?? n;
    if (size >= n) return model.loss(v.data, rng);
    let total: tf.Tensor = tf.scalar(0);
    for (let start = 0; start < n; start += size) {
      const rows = Math.min(size, n - start);
      const chunk = sliceRows(v.data, start, rows);
      total = tf.add(total, tf.mul(model.loss(chunk, rng), rows));
    }
    return tf.div(total, n) as tf.Scalar;
  });
}
