import { stopGradient } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { DeviceState } from './device-state.js';
import type { CovarianceType } from './options.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** Squared Mahalanobis distances [N, K] of centred rows `x` [N, D] to centred `means` [K, D]. */
function mahalanobis(
  x: tf.Tensor,
  x2: tf.Tensor | undefined,
  means: tf.Tensor,
  f: tf.Tensor,
  type: CovarianceType,
) {
  const [k, d] = means.shape as [number, number];
  const n = x.shape[0]!;
  if (type === 'full') {
    // (x − μₖ) Fₖ for every k with one [N, D] × [D, K·D] product.
    const fcat = tf.reshape(tf.transpose(f, [1, 0, 2]), [d, k * d]);
    const y = tf.matMul(x, fcat);
    const mf = tf.reshape(tf.matMul(tf.expandDims(means, 1), f), [1, k * d]);
    return tf.sum(tf.reshape(tf.square(tf.sub(y, mf)), [n, k, d]), 2);
  }
  if (type === 'tied') {
    const y = tf.expandDims(tf.matMul(x, f), 1);
    const mf = tf.expandDims(tf.matMul(means, f), 0);
    return tf.sum(tf.square(tf.sub(y, mf)), 2);
  }
  // Expanded Σᵈ pₖᵈ (xᵈ − μₖᵈ)² = x²·pₖ − 2 x·(μₖ pₖ) + μₖ²·pₖ: two [N, D] × [D, K] products.
  // The inputs are centred, which keeps the cancellation small; the clamp keeps it ≥ 0.
  if (type === 'diag') {
    const p = tf.square(f);
    const quad = tf.matMul(x2 ?? tf.square(x), tf.transpose(p));
    const cross = tf.matMul(x, tf.transpose(tf.mul(means, p)));
    const constant = tf.sum(tf.mul(tf.square(means), p), 1);
    return tf.relu(tf.add(tf.sub(quad, tf.mul(2, cross)), constant));
  }
  const sq = tf.add(
    tf.sub(tf.sum(x2 ?? tf.square(x), 1, true), tf.mul(2, tf.matMul(x, tf.transpose(means)))),
    tf.sum(tf.square(means), 1),
  );
  return tf.mul(tf.relu(sq), tf.square(f));
}

/**
 * log πₖ + log N(xₙ | μₖ, Σₖ) for every row and component, [N, D] → [N, K]:
 * log N = −½ (D log 2π + ‖(x − μₖ) Fₖ‖²) + Σᵢ log (Fₖ)ᵢᵢ with Σₖ⁻¹ = Fₖ Fₖᵀ (scikit-learn's
 * `_estimate_weighted_log_prob`). Rows and means are first shifted by the mean of the means,
 * which leaves the value unchanged and keeps float32 cancellation small; EM, whose rows are
 * centred already, passes `centred` instead (with the squared rows for diag and spherical).
 * Differentiable in the state's tensors.
 */
export function weightedLogProb(
  x: tf.Tensor,
  s: DeviceState,
  type: CovarianceType,
  centred?: { x2?: tf.Tensor | undefined },
): tf.Tensor {
  return tf.tidy(() => {
    const d = s.means.shape[1]!;
    let m: tf.Tensor;
    if (centred !== undefined) m = mahalanobis(x, centred.x2, s.means, s.factor, type);
    else {
      const shift = stopGradient(tf.mean(s.means, 0));
      m = mahalanobis(tf.sub(x, shift), undefined, tf.sub(s.means, shift), s.factor, type);
    }
    return tf.add(tf.sub(tf.add(s.logWeights, s.logDetFactor), 0.5 * d * LOG_2PI), tf.mul(-0.5, m));
  });
}
