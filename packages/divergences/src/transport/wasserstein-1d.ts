import { assertKnownOptions, invalidArgument, ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { safeRoot, wassersteinPowerRows } from './quantile-coupling.js';
import { type SampleLike, withSamplePair } from './samples.js';

export interface Wasserstein1dOptions {
  /** The order p ≥ 1 (default 1). */
  p?: number;
}

/** Throws unless p is a finite number ≥ 1. */
export function assertOrder(fn: string, p: unknown): asserts p is number {
  if (typeof p !== 'number' || !Number.isFinite(p) || p < 1) {
    throw invalidArgument(fn, 'p', p, 'must be a finite number >= 1');
  }
}

/**
 * The p-Wasserstein distance between two 1-D empirical distributions with uniform weights,
 * W_p = (∫₀¹ |F⁻¹(u) − G⁻¹(u)|^p du)^{1/p}, exact through the monotone coupling (sizes may
 * differ). p = 1 is `scipy.stats.wasserstein_distance`; p = 2 is W₂, not squared. O((n+m) log)
 * and differentiable with respect to the sample positions.
 *
 * ```ts
 * wasserstein1d([0, 1, 3], [5, 6, 8]);          // 5
 * wasserstein1d(x, y, { p: 2 });                // W₂
 * ```
 */
export function wasserstein1d(
  x: SampleLike,
  y: SampleLike,
  options: Wasserstein1dOptions = {},
): tf.Scalar {
  const fn = 'wasserstein1d';
  assertKnownOptions(fn, options, ['p']);
  const p = options.p ?? 1;
  assertOrder(fn, p);
  return withSamplePair(fn, x, y, 1, (xs, ys) => {
    if (xs.shape[1] !== 1) {
      throw new ShapeMismatchError(
        `${fn}: samples must be one-dimensional ([n] or [n, 1]), got [${xs.shape.join(', ')}]; use slicedWasserstein or sinkhorn in higher dimensions`,
      );
    }
    return tf.tidy(() => {
      const power = wassersteinPowerRows(
        tf.transpose(xs) as tf.Tensor2D,
        tf.transpose(ys) as tf.Tensor2D,
        p,
      );
      return safeRoot(tf.reshape(power, []), p) as tf.Scalar;
    });
  });
}
