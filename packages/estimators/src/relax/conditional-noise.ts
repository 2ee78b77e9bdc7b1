import { logSigmoid, softplus } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The logistic pre-activations of REBAR/RELAX for Bernoulli(σ(ℓ)) from uniforms u, v:
 * z = ℓ + log u − log(1 − u), b = 1{z > 0}, and z̃ ∼ z | b by the conditional
 * reparameterisation ũ = (1 − p) + v·p when b = 1, ũ = v·(1 − p) when b = 0 (p = σ(ℓ)),
 * z̃ = ℓ + log ũ − log(1 − ũ). Both are differentiable in ℓ (with u, v, b held fixed); the logs
 * are written so that neither branch overflows for large |ℓ|.
 */
export function logisticNoise(logits: tf.Tensor, u: tf.Tensor): tf.Tensor {
  return tf.add(logits, tf.sub(tf.log(u), tf.log1p(tf.neg(u))));
}

export function conditionalNoise(logits: tf.Tensor, v: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const p = tf.sigmoid(logits);
  // b = 1: log ũ = log(1 − p(1 − v)), log(1 − ũ) = log p + log(1 − v).
  const one = tf.sub(
    tf.log1p(tf.neg(tf.mul(p, tf.sub(1, v)))),
    tf.add(logSigmoid(logits), tf.log1p(tf.neg(v))),
  );
  // b = 0: log ũ = log v + log(1 − p), log(1 − ũ) = log(1 − v(1 − p)).
  const zero = tf.sub(
    tf.sub(tf.log(v), softplus(logits)),
    tf.log1p(tf.neg(tf.mul(v, tf.sub(1, p)))),
  );
  return tf.add(logits, tf.where(tf.greater(b, 0.5), one, zero));
}

/** −log u, kept ≥ 1e-30 so that its own log stays finite should a float32 log round it to 0. */
function negLog(u: tf.Tensor): tf.Tensor {
  return tf.maximum(tf.neg(tf.log(u)), 1e-30);
}

/** Gumbel pre-activations of a Categorical: z = ℓ − logΣexp ℓ − log(−log u) (last axis K). */
export function gumbelNoise(logits: tf.Tensor, u: tf.Tensor): tf.Tensor {
  const normalised = tf.sub(logits, tf.logSumExp(logits, -1, true));
  return tf.sub(normalised, tf.log(negLog(u)));
}

/**
 * z̃ ∼ z | argmax z = b for Gumbel pre-activations with normalised logits θ (Σ e^θ = 1), from
 * v ∼ U(0, 1)ᴷ: z̃_b = −log(−log v_b) and z̃ᵢ = −log(−log vᵢ · e^{−θᵢ} − log v_b) for i ≠ b
 * (the others are Gumbels truncated below z̃_b). `oneHot` marks b.
 */
export function conditionalGumbel(logits: tf.Tensor, v: tf.Tensor, oneHot: tf.Tensor): tf.Tensor {
  const normalised = tf.sub(logits, tf.logSumExp(logits, -1, true));
  const logVb = tf.sum(tf.mul(tf.log(v), oneHot), -1, true);
  const top = tf.neg(tf.log(tf.neg(logVb)));
  const rest = tf.neg(tf.log(tf.sub(tf.mul(tf.neg(tf.log(v)), tf.exp(tf.neg(normalised))), logVb)));
  return tf.add(tf.mul(oneHot, top), tf.mul(tf.sub(1, oneHot), rest));
}
