import * as tf from '@tensorflow/tfjs-core';

/**
 * (γ/2)·mean(‖g‖²) over the rows of g as one custom-gradient op: ∂/∂g = (γ/n)·g. Its forward
 * ops stay off the gradient tape, as in the WGAN-GP penalty.
 */
function halfSquaredNorm(gamma: number) {
  return tf.customGrad((g, save) => {
    const x = g as tf.Tensor;
    (save as tf.GradSaveFunc)([x]);
    const n = x.shape[0]!;
    return {
      value: tf.mul(gamma / (2 * n), tf.sum(tf.square(x))),
      gradFunc: (dy, [xs]) => tf.mul(xs!, tf.mul(dy as tf.Tensor, gamma / n)),
    };
  });
}

/**
 * The R1 penalty of Mescheder et al. (2018): (γ/2)·E‖∇ₓD(x)‖² over the real batch, the norm over
 * every non-batch axis. It pushes D's gradient to zero on the data, which damps the oscillation
 * of a GAN around its equilibrium (their Theorem 4.1: local convergence for every γ > 0).
 * Differentiable with respect to the critic's variables (a second-order gradient).
 */
export function r1Penalty(
  critic: (x: tf.Tensor) => tf.Tensor,
  real: tf.Tensor,
  gamma: number,
): tf.Scalar {
  return tf.tidy(() => {
    const grad = tf.grad((x: tf.Tensor) => tf.sum(critic(x)))(real);
    return halfSquaredNorm(gamma)(grad);
  }) as tf.Scalar;
}

/**
 * The R2 penalty of Mescheder et al. (2018): (γ/2)·E‖∇ₓD(x̃)‖² over a batch of fakes x̃ (the
 * same formula as {@link r1Penalty}, on the generator's samples instead of the data).
 */
export function r2Penalty(
  critic: (x: tf.Tensor) => tf.Tensor,
  fake: tf.Tensor,
  gamma: number,
): tf.Scalar {
  return r1Penalty(critic, fake, gamma);
}
