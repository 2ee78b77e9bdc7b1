import type { Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * λ·mean((‖g‖ − 1)²) over the rows of g as one custom-gradient op: ∂/∂g = (2λ/n)·(1 − 1/‖g‖)·g.
 * Its forward ops stay off the gradient tape, where tfjs would save a copy of every input and
 * chain a dozen kernels back through them.
 */
function normPenalty(lambda: number) {
  return tf.customGrad((g, save) => {
    const x = g as tf.Tensor;
    const axes = x.shape.slice(1).map((_, i) => i + 1);
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(x), axes), 1e-12));
    const excess = tf.sub(norm, 1);
    (save as tf.GradSaveFunc)([x, norm, excess]);
    return {
      value: tf.mul(lambda, tf.mean(tf.square(excess))),
      gradFunc: (dy, [xs, ns, es]) => {
        const n = ns!.size;
        const perRow = tf.mul(tf.div(es!, ns!), tf.mul(dy as tf.Tensor, (2 * lambda) / n));
        return tf.mul(xs!, tf.reshape(perRow, [n, ...axes.map(() => 1)]));
      },
    };
  });
}

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
    return normPenalty(lambda)(grad);
  }) as tf.Scalar;
}
