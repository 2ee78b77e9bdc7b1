import { allOnHost, finiteChecksEnabled, NumericalError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Returns `value` unless it holds NaN or ±Inf, which from finite samples means float32
 * overflowed (squared distances of values near 1e19 and beyond); then disposes it and throws a
 * NumericalError naming `fn`. Skipped while the finite checks are off (`setFiniteChecks`).
 */
export function finiteResult<T extends tf.Tensor>(fn: string, value: T): T {
  if (!finiteChecksEnabled()) return value;
  if (allOnHost(() => tf.isFinite(value))) return value;
  value.dispose();
  throw new NumericalError(
    `${fn}: the result overflowed float32 for these samples; rescale them (divide by their spread) before comparing`,
  );
}
