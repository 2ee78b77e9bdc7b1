import { symmetricEigen } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * First and second sample moments of rows [N, D]: the mean x̄ and the scatter
 * Σₙ (xₙ − x̄)(xₙ − x̄)ᵀ (row-major D×D), both in float64 on the host. The product runs on the
 * device over the centred rows (float32, so the rounding error is relative to the spread, not to
 * ‖x̄‖²); only D + D² numbers come back.
 */
export interface SampleMoments {
  n: number;
  d: number;
  mean: Float64Array;
  scatter: Float64Array;
}

export async function sampleMoments(x: tf.Tensor): Promise<SampleMoments> {
  const [n, d] = x.shape as [number, number];
  const { mean, scatter } = tf.tidy(() => {
    const m = tf.mean(x, 0);
    const xc = tf.sub(x, m);
    return { mean: m, scatter: tf.matMul(xc, xc, true, false) };
  });
  try {
    const [m, s] = await Promise.all([mean.data(), scatter.data()]);
    return { n, d, mean: Float64Array.from(m), scatter: Float64Array.from(s) };
  } finally {
    tf.dispose([mean, scatter]);
  }
}

/** The trace of a row-major d×d matrix. */
export function trace(a: ArrayLike<number>, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += a[i * d + i]!;
  return s;
}

/**
 * Eigenvalues of a symmetric d×d matrix in decreasing order, floored at 0 (a covariance's
 * smallest ones can come out as −1e-17), with `vectors[j]` the unit eigenvector of `values[j]`.
 */
export function descendingEigen(
  fn: string,
  a: ArrayLike<number>,
  d: number,
): { values: Float64Array; vectors: Float64Array[] } {
  const { values, vectors } = symmetricEigen(fn, a, d, true);
  const order = [...values.keys()].sort((i, j) => values[j]! - values[i]!);
  return {
    values: Float64Array.from(order, (i) => Math.max(values[i]!, 0)),
    vectors: order.map((i) => vectors![i]!),
  };
}
