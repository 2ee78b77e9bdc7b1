import * as tf from '@tensorflow/tfjs-core';

/** Halvings of the bracket: its width becomes 2|c|·2⁻¹² ≈ 5e-4·|c|. */
const BISECTION_STEPS = 12;
/**
 * Newton steps after the bisection, each kept inside the final bracket. Each squares the error
 * (times |g″|/2g′ ≤ 0.4|c|/(1 + min(c, 0))), so two reach float32 resolution even for c → −1.
 */
const NEWTON_STEPS = 2;

/** One Newton step for g(α) = α + c·tanh(α) − t. */
function newton(alpha: tf.Tensor, c: tf.Tensor, t: tf.Tensor): tf.Tensor {
  const h = tf.tanh(alpha);
  const residual = tf.sub(tf.add(alpha, tf.mul(c, h)), t);
  return tf.sub(alpha, tf.div(residual, tf.add(1, tf.mul(c, tf.sub(1, tf.square(h))))));
}

/**
 * Solves α + c·tanh(α) = t for α elementwise (c a scalar > −1): bisection on
 * [t − |c|, t + |c|], where the root lies because |c·tanh| ≤ |c| and is unique because c > −1
 * makes the left side increasing, then Newton steps kept inside the final bracket. Runs inside
 * a customGrad whose gradient is zero, so none of it is recorded on a gradient tape: callers add
 * one differentiable Newton step, whose gradient at the root is the implicit-function gradient.
 */
const solveDetached = tf.customGrad((c, t, save) => {
  (save as tf.GradSaveFunc)([]);
  const slope = c as tf.Tensor;
  const target = t as tf.Tensor;
  const value = tf.tidy(() => {
    const reach = tf.abs(slope);
    let low = tf.sub(target, reach);
    for (let i = 1; i <= BISECTION_STEPS; i++) {
      // The bracket [low, low + 2|c|·2^(1−i)] halves each time; only its lower end moves.
      const mid = tf.add(low, tf.mul(reach, 2 ** (1 - i)));
      low = tf.where(tf.less(tf.add(mid, tf.mul(slope, tf.tanh(mid))), target), mid, low);
    }
    const high = tf.add(low, tf.mul(reach, 2 ** (1 - BISECTION_STEPS)));
    let alpha = tf.add(low, tf.mul(reach, 2 ** -BISECTION_STEPS));
    for (let i = 0; i < NEWTON_STEPS; i++) {
      alpha = tf.minimum(tf.maximum(newton(alpha, slope, target), low), high);
    }
    return alpha;
  });
  return { value, gradFunc: () => [tf.zerosLike(slope), tf.zerosLike(target)] };
});

/**
 * The root α of α + c·tanh(α) = t (c a scalar > −1, t any shape), differentiable in c and t
 * through one Newton step from the detached solution.
 */
export function solvePlanarPreactivation(c: tf.Tensor, t: tf.Tensor): tf.Tensor {
  return tf.tidy(() => newton(solveDetached(c, t), c, t));
}
