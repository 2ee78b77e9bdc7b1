import { assertKnownOptions, invalidArgument, NumericalError, symmetricEigen } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { type SampleLike, withSamplePair } from './samples.js';

export interface FrechetDistanceOptions {
  /** Covariances with the n − 1 denominator (default true, like numpy's `np.cov`) or with n. */
  unbiased?: boolean;
}

/**
 * The Fréchet distance between the Gaussians fitted to samples `x` [n, d] and `y` [m, d] ([n]
 * for 1-D), i.e. the squared 2-Wasserstein distance between N(μx, Σx) and N(μy, Σy):
 *
 *   ‖μx − μy‖² + tr(Σx + Σy − 2 (Σx Σy)^{1/2}),
 *
 * the formula of the FID (Heusel et al. 2017) when x and y are a classifier's features of real
 * and generated images. Means and covariances are computed on the device (float32, after
 * centring); tr (Σx Σy)^{1/2} = Σᵢ √λᵢ(Bᵀ Σy B) with Σx = B Bᵀ from a float64 symmetric
 * eigendecomposition on the host, so singular covariances (n ≤ d, constant features) are fine.
 * O((n + m) d² + d³): d = 1024 takes some seconds. Both sets need at least 2 rows.
 *
 * Returns a Promise of a number, not a tensor: the value is read back from the device and is
 * not differentiable. Rounding can leave it a hair below 0 for identical Gaussians; it is
 * clamped at 0.
 *
 * ```ts
 * await frechetDistance([[0], [2]], [[3], [5]]); // (1 − 4)² + (√2 − √2)² = 9
 * ```
 */
export async function frechetDistance(
  x: SampleLike,
  y: SampleLike,
  options: FrechetDistanceOptions = {},
): Promise<number> {
  const fn = 'frechetDistance';
  assertKnownOptions(fn, options, ['unbiased']);
  const { unbiased = true } = options;
  if (typeof unbiased !== 'boolean') {
    throw invalidArgument(fn, 'options.unbiased', unbiased, 'must be a boolean');
  }
  const stats = withSamplePair(fn, x, y, 2, (xs, ys) => [
    ...moments(xs, unbiased),
    ...moments(ys, unbiased),
  ]);
  let read: Float32Array[];
  try {
    read = (await Promise.all(stats.map((t) => t.data()))) as Float32Array[];
  } finally {
    tf.dispose(stats);
  }
  const [mx, sx, my, sy] = read as [Float32Array, Float32Array, Float32Array, Float32Array];
  const d = mx.length;
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += (mx[i]! - my[i]!) ** 2;
  let traces = 0;
  for (let i = 0; i < d; i++) traces += sx[i * d + i]! + sy[i * d + i]!;
  const value = meanTerm + traces - 2 * traceSqrtProduct(fn, sx, sy, d);
  if (!Number.isFinite(value)) {
    throw new NumericalError(
      `${fn}: the moments overflowed float32 for these samples; rescale them (divide by their spread) before comparing`,
    );
  }
  return Math.max(value, 0);
}

/** Mean [d] and covariance [d, d] of `x` [n, d]. */
function moments(x: tf.Tensor2D, unbiased: boolean): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const n = x.shape[0];
    const mean = tf.mean(x, 0);
    const centred = tf.sub(x, mean);
    // An explicit transpose: tfjs-backend-wasm's matMul with transposeA is ~30× slower.
    const cov = tf.div(tf.matMul(tf.transpose(centred), centred), unbiased ? n - 1 : n);
    return [mean, cov];
  });
}

/**
 * tr (Σx Σy)^{1/2} for positive semi-definite Σx, Σy: with Σx = V Λ Vᵀ and B = V Λ^{1/2}, Σx Σy
 * has the eigenvalues of the symmetric Bᵀ Σy B, whose square roots sum to the trace. Eigenvalues
 * that rounding made negative are zeros.
 */
function traceSqrtProduct(fn: string, sx: Float32Array, sy: Float32Array, d: number): number {
  const { values, vectors } = symmetricEigen(fn, sx, d, true);
  const columns: Float64Array[] = [];
  for (let j = 0; j < d; j++) {
    if (!(values[j]! > 0)) continue;
    const root = Math.sqrt(values[j]!);
    columns.push(vectors![j]!.map((v) => v * root));
  }
  const r = columns.length;
  if (r === 0) return 0;
  // P[b] = Σy B[:, b]; M[a][b] = B[:, a] · P[b].
  const products = columns.map((b) => {
    const out = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let s = 0;
      const offset = i * d;
      for (let k = 0; k < d; k++) s += sy[offset + k]! * b[k]!;
      out[i] = s;
    }
    return out;
  });
  const m = new Float64Array(r * r);
  for (let a = 0; a < r; a++) {
    const column = columns[a]!;
    for (let b = 0; b <= a; b++) {
      const p = products[b]!;
      let s = 0;
      for (let k = 0; k < d; k++) s += column[k]! * p[k]!;
      m[a * r + b] = s;
    }
  }
  const eigen = symmetricEigen(fn, m, r, false);
  let trace = 0;
  for (const lambda of eigen.values) if (lambda > 0) trace += Math.sqrt(lambda);
  return trace;
}
