import { assertKnownOptions, assertOneOf, invalidArgument } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { squaredDistances } from './pairwise.js';
import { type SampleLike, withSamplePair } from './samples.js';

export interface MmdOptions {
  /** 'rbf' (default): exp(−‖x−y‖²/(2h²)); 'imq': c/√(c² + ‖x−y‖²) with c = bandwidth. */
  kernel?: 'rbf' | 'imq';
  /** h (or c), default 1; several values give the sum of the kernels. */
  bandwidth?: number | readonly number[];
  /** Unbiased U-statistic (default true; can be negative) or the biased V-statistic. */
  unbiased?: boolean;
}

/** The kernel (summed over `bandwidths`) at squared distances `d2`, elementwise. */
export function kernelMatrix(
  d2: tf.Tensor,
  kernel: 'rbf' | 'imq',
  bandwidths: number[],
): tf.Tensor {
  return bandwidths
    .map((h) =>
      kernel === 'rbf'
        ? tf.exp(tf.mul(d2, -1 / (2 * h * h)))
        : tf.mul(h, tf.rsqrt(tf.add(d2, h * h))),
    )
    .reduce((a, b) => tf.add(a, b));
}

/** The bandwidth option as a non-empty list of finite positive numbers, or a typed error. */
export function checkBandwidths(fn: string, given: unknown): number[] {
  const bandwidths = typeof given === 'number' ? [given] : Array.isArray(given) ? [...given] : [];
  if (
    bandwidths.length === 0 ||
    !bandwidths.every((h) => typeof h === 'number' && Number.isFinite(h) && h > 0)
  ) {
    throw invalidArgument(
      fn,
      'bandwidth',
      given,
      'must be a number > 0 or a non-empty array of them',
    );
  }
  return bandwidths as number[];
}

/** Mean of a square kernel matrix, without the diagonal when `unbiased`. */
function within(k: tf.Tensor, unbiased: boolean): tf.Tensor {
  const n = k.shape[0]!;
  if (!unbiased) return tf.mean(k);
  const offDiagonal = tf.sub(1, tf.eye(n));
  return tf.div(tf.sum(tf.mul(k, offDiagonal)), n * (n - 1));
}

/**
 * Squared maximum mean discrepancy MMD² = E k(X,X′) + E k(Y,Y′) − 2E k(X,Y) (Gretton et al.
 * 2012) between samples `x` [n, d] and `y` [m, d] ([n] for 1-D): by default the unbiased
 * U-statistic (diagonal terms left out, n, m ≥ 2), else the biased V-statistic. Differentiable
 * with respect to the sample positions; O(n·m·d) memory.
 *
 * ```ts
 * mmd(x, y);                                            // rbf, bandwidth 1, unbiased
 * mmd(x, y, { kernel: 'imq', bandwidth: [0.5, 1, 2] }); // sum of three kernels
 * ```
 */
export function mmd(x: SampleLike, y: SampleLike, options: MmdOptions = {}): tf.Scalar {
  const fn = 'mmd';
  assertKnownOptions(fn, options, ['kernel', 'bandwidth', 'unbiased']);
  const kernel = options.kernel ?? 'rbf';
  assertOneOf(fn, 'kernel', kernel, ['rbf', 'imq'] as const);
  const bandwidths = checkBandwidths(fn, options.bandwidth ?? 1);
  const unbiased = options.unbiased ?? true;
  if (typeof unbiased !== 'boolean')
    throw invalidArgument(fn, 'unbiased', unbiased, 'must be a boolean');
  return withSamplePair(fn, x, y, unbiased ? 2 : 1, (xs, ys) =>
    tf.tidy(() => {
      const kxx = within(kernelMatrix(squaredDistances(xs, xs), kernel, bandwidths), unbiased);
      const kyy = within(kernelMatrix(squaredDistances(ys, ys), kernel, bandwidths), unbiased);
      const kxy = tf.mean(kernelMatrix(squaredDistances(xs, ys), kernel, bandwidths));
      return tf.sub(tf.add(kxx, kyy), tf.mul(2, kxy)) as tf.Scalar;
    }),
  );
}
