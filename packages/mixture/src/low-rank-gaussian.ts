import { NumericalError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { toVector } from './host-tensors.js';

/**
 * The Gaussian of (probabilistic) PCA, N(μ, C) with C = Σᵢ λᵢ uᵢuᵢᵀ + σ² (I − Σᵢ uᵢuᵢᵀ): the
 * orthonormal axes uᵢ (rows of `axes`, r ≤ D of them) carry variances λᵢ and every direction
 * orthogonal to them the noise variance σ². Host float64.
 */
export interface LowRankGaussian {
  mean: Float64Array;
  axes: readonly Float64Array[];
  variances: Float64Array;
  noiseVariance: number;
}

/** C as a row-major D×D matrix. */
export function lowRankCovariance(g: LowRankGaussian): Float64Array {
  const d = g.mean.length;
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++) c[i * d + i] = g.noiseVariance;
  g.axes.forEach((u, r) => {
    const excess = g.variances[r]! - g.noiseVariance;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) c[i * d + j] = c[i * d + j]! + excess * u[i]! * u[j]!;
    }
  });
  return c;
}

/**
 * log N(xₙ | μ, C) per row of x [N, D], as [N]. With zᵢ = uᵢᵀ(x − μ) the Mahalanobis term is
 * Σᵢ zᵢ²/λᵢ + ‖(x − μ) − Σᵢ zᵢuᵢ‖²/σ²: the residual is formed before it is squared, so float32
 * loses ε‖x − μ‖ per entry instead of the ε‖x − μ‖² of ‖x − μ‖² − Σᵢ zᵢ², which matters when σ²
 * is small. log |C| = Σᵢ log λᵢ + (D − r) log σ². Throws NumericalError (naming `fn`) when C is
 * singular.
 */
export function lowRankLogDensity(fn: string, x: tf.Tensor, g: LowRankGaussian): tf.Tensor {
  const d = g.mean.length;
  const r = g.axes.length;
  const rest = d - r;
  if (g.variances.some((v) => !(v > 0)) || (rest > 0 && !(g.noiseVariance > 0))) {
    throw new NumericalError(
      `${fn}: the fitted covariance is singular (a variance of 0 along a principal axis, or noise variance ${g.noiseVariance} with ${rest} discarded direction(s)); fit fewer components`,
    );
  }
  let logDet = rest > 0 ? rest * Math.log(g.noiseVariance) : 0;
  for (const v of g.variances) logDet += Math.log(v);
  const constant = d * Math.log(2 * Math.PI) + logDet;
  return tf.tidy(() => {
    const xc = tf.sub(x, toVector(g.mean));
    let quad: tf.Tensor = tf.zeros([x.shape[0]!]);
    let residual = xc;
    if (r > 0) {
      const flat = new Float32Array(r * d);
      for (const [i, u] of g.axes.entries()) flat.set(u, i * d);
      const axes = tf.tensor2d(flat, [r, d]);
      const z = tf.matMul(xc, axes, false, true);
      quad = tf.sum(tf.div(tf.square(z), toVector(g.variances)), 1);
      residual = tf.sub(xc, tf.matMul(z, axes));
    }
    if (rest > 0) quad = tf.add(quad, tf.div(tf.sum(tf.square(residual), 1), g.noiseVariance));
    return tf.mul(-0.5, tf.add(quad, constant));
  });
}
