import type { Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * WGAN-GP penalty (Gulrajani et al. 2017): λ·E[(‖∇ₓD(x̂)‖₂ − 1)²] at random interpolates
 * x̂ = ε·real + (1 − ε)·fake, ε ∼ U[0, 1] per example; the norm is over every non-batch axis.
 * Differentiable with respect to the critic's variables (a second-order gradient), so critics
 * built from relu, leakyRelu, tanh, sigmoid, elu or softplus work on every backend.
 */
export function gradientPenalty(
  critic: (x: tf.Tensor) => tf.Tensor,
  real: tf.Tensor,
  fake: tf.Tensor,
  rng: Rng,
  lambda = 10,
): tf.Scalar {
  return tf.tidy(() => {
    const n = real.shape[0]!;
    const epsShape = [n, ...real.shape.slice(1).map(() => 1)];
    const eps = rng.uniform(epsShape);
    const xHat = tf.add(tf.mul(eps, real), tf.mul(tf.sub(1, eps), fake));
    const grad = tf.grad((x: tf.Tensor) => tf.sum(critic(x)))(xHat);
    const axes = grad.shape.slice(1).map((_, i) => i + 1);
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(grad), axes), 1e-12));
    return tf.mul(lambda, tf.mean(tf.square(tf.sub(norm, 1))));
  }) as tf.Scalar;
}
