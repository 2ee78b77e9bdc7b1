import type { Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { gammaQuantileGrad } from './gamma-quantile-grad.js';

/**
 * Proposals per draw. Marsaglia–Tsang accepts each with probability ≥ 0.95 for shape ≥ 1 (the
 * boosted shape below is), so all 10 are rejected with probability < 0.05¹⁰ ≈ 10⁻¹³; only then
 * is the last proposal kept as is.
 */
const PROPOSALS = 10;
/** Smallest normal float32: draws are clamped to it so that logProb stays finite. */
const TINY = 1.1754943508222875e-38;

/**
 * Standard Gamma(α, 1) draws of α's shape, vectorised: Marsaglia & Tsang (2000) with a fixed
 * number of proposals per element, the first accepted one selected (no data-dependent loop and
 * no read-back, so it runs unchanged on GPU backends); for α < 1 a Gamma(α + 1) draw times
 * U^(1/α).
 */
function marsagliaTsang(alpha: tf.Tensor, rng: Rng): tf.Tensor {
  const small = tf.less(alpha, 1);
  const d = tf.sub(tf.where(small, tf.add(alpha, 1), alpha), 1 / 3);
  const c = tf.rsqrt(tf.mul(9, d));
  const shape = [PROPOSALS, ...alpha.shape];
  const x = rng.normal(shape);
  const logU = tf.log(rng.uniform(shape));
  const t = tf.add(1, tf.mul(c, x));
  const v = tf.mul(t, tf.square(t));
  const positive = tf.greater(v, 0);
  const logV = tf.log(tf.where(positive, v, tf.onesLike(v)));
  // Accept when log U < x²/2 + d − d·v + d·log v (and v > 0).
  const bound = tf.add(tf.mul(0.5, tf.square(x)), tf.mul(d, tf.add(tf.sub(1, v), logV)));
  const accepted = tf.unstack(tf.logicalAnd(positive, tf.less(logU, bound)));
  const candidates = tf.unstack(tf.maximum(tf.mul(d, v), TINY));
  let z = candidates[PROPOSALS - 1]!;
  for (let k = PROPOSALS - 2; k >= 0; k--) z = tf.where(accepted[k]!, candidates[k]!, z);
  // Boost for α < 1: z · U^(1/α), in log space, with U ∈ (0, 1].
  const logBoost = tf.div(tf.log1p(tf.neg(rng.uniform(alpha.shape))), alpha);
  const boosted = tf.exp(tf.add(tf.log(z), logBoost));
  return tf.maximum(tf.where(small, boosted, z), TINY);
}

/**
 * Standard Gamma(α, 1) draws, one per element of `alpha`, differentiable with respect to `alpha`
 * by implicit reparameterisation (Figurnov, Mohamed & Mnih 2018): the gradient is that of the
 * quantile P⁻¹(u; α) at the drawn u, dz/dα = −(∂P/∂α)(α, z) / p(α, z), however z was drawn.
 */
export function standardGamma(alpha: tf.Tensor, rng: Rng): tf.Tensor {
  const draw = tf.customGrad((input, save) => {
    const a = input as tf.Tensor;
    const z = marsagliaTsang(a, rng);
    (save as tf.GradSaveFunc)([a, z]);
    return {
      value: z,
      gradFunc: (dy, saved) => tf.mul(dy, gammaQuantileGrad(saved[0]!, saved[1]!)),
    };
  });
  return draw(alpha);
}
