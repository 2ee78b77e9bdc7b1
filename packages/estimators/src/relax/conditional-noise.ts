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
