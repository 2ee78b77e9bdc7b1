import { assertKnownOptions, assertOneOf, invalidArgument } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { negativeExp } from './negative-exp.js';
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

/**
 * The kernel (summed over `bandwidths`) at squared distances `d2`, elementwise; every bandwidth
 * reads the same distances. Both kernels are 1 at distance 0, so the diagonal of a sample's own
 * kernel matrix sums to its size times the number of bandwidths.
 */
export function kernelMatrix(
  d2: tf.Tensor,
  kernel: 'rbf' | 'imq',
  bandwidths: number[],
): tf.Tensor {
  return bandwidths
    .map((h) =>
      kernel === 'rbf'
        ? negativeExp(tf.mul(d2, -1 / (2 * h * h)))
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

/**
 * Mean of a sample's own kernel matrix, without the diagonal when `unbiased`: the diagonal is
 * known (`diagonal`, the kernel at 0), so it is subtracted from the sum rather than masked out
 * with an n×n identity.
 */
function within(k: tf.Tensor, unbiased: boolean, diagonal: number): tf.Tensor {
  const n = k.shape[0]!;
  if (!unbiased) return tf.mean(k);
  return tf.div(tf.sub(tf.sum(k), n * diagonal), n * (n - 1));
}

/**
 * Squared maximum mean discrepancy MMD² = E k(X,X′) + E k(Y,Y′) − 2E k(X,Y) (Gretton et al.
 * 2012) between samples `x` [n, d] and `y` [m, d] ([n] for 1-D): by default the unbiased
 * U-statistic (diagonal terms left out, n, m ≥ 2), else the biased V-statistic. Differentiable
 * with respect to the sample positions. Pairwise squared distances come from one matmul
 * (‖x‖² + ‖y‖² − 2x·yᵀ) beyond 4 dimensions and from the coordinates below; O(n² + m² + n·m)
 * memory.
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
      const b = bandwidths.length;
      const kxx = within(kernelMatrix(squaredDistances(xs, xs), kernel, bandwidths), unbiased, b);
      const kyy = within(kernelMatrix(squaredDistances(ys, ys), kernel, bandwidths), unbiased, b);
      const kxy = tf.mean(kernelMatrix(squaredDistances(xs, ys), kernel, bandwidths));
      return tf.sub(tf.add(kxx, kyy), tf.mul(2, kxy)) as tf.Scalar;
    }),
  );
}
