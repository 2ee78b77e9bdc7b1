import { assertFiniteTensor, assertTensor, invalidArgument, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { assertOptions, resolveRng } from './options.js';

/** Options of {@link trainValidationSplit}. */
export interface SplitOptions {
  /** Fraction of rows held out, in (0, 1) (default 0.1); rounded up, like scikit-learn. */
  validationFraction?: number;
  /** Shuffle before splitting (default true); false keeps the last rows for validation. */
  shuffle?: boolean;
  /** Generator of the shuffle (advances); or `seed` (default 0). */
  rng?: Rng;
  seed?: number;
}

/** The two parts (new tensors, caller owns) and which rows of `x` went where. */
export interface Split {
  train: tf.Tensor;
  validation: tf.Tensor;
  trainIndices: Int32Array;
  validationIndices: Int32Array;
}

/**
 * Splits the rows (first axis) of `x` into a training and a validation part:
 * ⌈validationFraction · n⌉ rows for validation, the rest for training, both non-empty. Use the
 * returned indices to split labels the same way (`tf.gather(labels, trainIndices)`).
 *
 * ```ts
 * const { train, validation } = trainValidationSplit(x, { validationFraction: 0.2, seed: 1 });
 * ```
 */
export function trainValidationSplit(x: tf.Tensor, options: SplitOptions = {}): Split {
  const fn = 'trainValidationSplit';
  assertTensor(fn, 'x', x);
  assertOptions(fn, options, ['validationFraction', 'shuffle', 'rng', 'seed']);
  const { validationFraction = 0.1, shuffle = true } = options;
  if (
    typeof validationFraction !== 'number' ||
    !(validationFraction > 0 && validationFraction < 1)
  ) {
    throw invalidArgument(fn, 'validationFraction', validationFraction, 'must be in (0, 1)');
  }
  if (typeof shuffle !== 'boolean')
    throw invalidArgument(fn, 'shuffle', shuffle, 'must be a boolean');
  const n = x.rank === 0 ? 0 : x.shape[0]!;
  const nValidation = Math.ceil(validationFraction * n - 1e-9);
  if (nValidation < 1 || nValidation >= n) {
    throw invalidArgument(
      fn,
      'x',
      x,
      `must have enough rows for both parts at validationFraction ${validationFraction}`,
    );
  }
  assertFiniteTensor(fn, 'x', x);
  const rng = resolveRng(fn, options);
  let order: Int32Array;
  if (shuffle) {
    order = rng.permutation(n);
  } else {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  }
  const nTrain = n - nValidation;
  // Shuffled: validation takes the first rows of the permutation (sklearn's ShuffleSplit);
  // unshuffled: the last rows of x.
  const validationIndices = shuffle ? order.slice(0, nValidation) : order.slice(nTrain);
  const trainIndices = shuffle ? order.slice(nValidation) : order.slice(0, nTrain);
  const take = (indices: Int32Array) => tf.tidy(() => tf.gather(x, tf.tensor1d(indices, 'int32')));
  return {
    train: take(trainIndices),
    validation: take(validationIndices),
    trainIndices,
    validationIndices,
  };
}
