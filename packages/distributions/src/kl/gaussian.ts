import { logDetFromCholesky, ShapeMismatchError, triangularSolve } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { MultivariateNormal } from '../multivariate-normal.js';
import type { Normal } from '../normal.js';

/**
 * KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = ½ [r + ((μ₁ − μ₂)/σ₂)² − 1 − log r] with r = (σ₁/σ₂)²
 * (torch `_kl_normal_normal`; KL(N(0,1) ‖ N(1,2²)) = 0.443147,
 * docs/references.md#kl-divergences-in-closed-form).
 */
export function klNormalNormal(p: Normal, q: Normal): tf.Tensor {
  const ratio = tf.square(tf.div(p.scale, q.scale));
  const z = tf.square(tf.div(tf.sub(p.loc, q.loc), q.scale));
  return tf.mul(0.5, tf.sub(tf.add(ratio, z), tf.add(1, tf.log(ratio))));
}

/**
 * KL(N(μ₁, L₁L₁ᵀ) ‖ N(μ₂, L₂L₂ᵀ)) in dimension k
 *   = Σ log diag L₂ − Σ log diag L₁ + ½ [‖L₂⁻¹L₁‖²_F + ‖L₂⁻¹(μ₂ − μ₁)‖² − k],
 * the textbook ½[tr(Σ₂⁻¹Σ₁) + (μ₂−μ₁)ᵀΣ₂⁻¹(μ₂−μ₁) − k + log(det Σ₂/det Σ₁)] evaluated with
 * triangular solves against the Cholesky factors, never forming an inverse (torch
 * `_kl_multivariatenormal_multivariatenormal`; the 2-D check value 2.473063 is in
 * docs/references.md#kl-divergences-in-closed-form). Batched: both factors are broadcast to the common batch
 * shape first.
 */
export function klMultivariateNormal(p: MultivariateNormal, q: MultivariateNormal): tf.Tensor {
  const k = p.loc.shape[p.loc.rank - 1]!;
  const kq = q.loc.shape[q.loc.rank - 1]!;
  if (k !== kq) {
    throw new ShapeMismatchError(`kl: MultivariateNormal dimensions differ (p: ${k}, q: ${kq})`);
  }
  // triangularSolve batches over equal leading axes only.
  const batch = tf.broadcast_util.assertAndGetBroadcastShape([...p.batchShape], [...q.batchShape]);
  const lp = tf.broadcastTo(p.scaleTril, [...batch, k, k]);
  const lq = tf.broadcastTo(q.scaleTril, [...batch, k, k]);
  const diff = tf.sub(tf.broadcastTo(q.loc, [...batch, k]), tf.broadcastTo(p.loc, [...batch, k]));
  const halfLogDetRatio = tf.mul(0.5, tf.sub(logDetFromCholesky(lq), logDetFromCholesky(lp)));
  const trace = tf.sum(tf.square(triangularSolve(lq, lp)), [-2, -1]);
  const mahalanobis = tf.sum(tf.square(triangularSolve(lq, tf.expandDims(diff, -1))), [-2, -1]);
  return tf.add(halfLogDetRatio, tf.mul(0.5, tf.sub(tf.add(trace, mahalanobis), k)));
}
