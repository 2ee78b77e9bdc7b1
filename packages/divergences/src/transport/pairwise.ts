import * as tf from '@tensorflow/tfjs-core';

/**
 * ‖x_i − y_j‖² for `x` [n, d] and `y` [m, d] → [n, m], from the differences themselves (not
 * ‖x‖² + ‖y‖² − 2x·y, which cancels badly away from the origin): exact zeros for equal points.
 * O(n·m·d) memory.
 */
export function squaredDistances(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(
    () => tf.sum(tf.square(tf.sub(tf.expandDims(x, 1), tf.expandDims(y, 0))), 2) as tf.Tensor2D,
  );
}

/** t^{p/2} elementwise for t ≥ 0, with a finite (zero) gradient at t = 0 (p = 1: ‖·‖ from ‖·‖²). */
export function powerOfSquared(t: tf.Tensor, p: number): tf.Tensor {
  if (p === 2) return tf.clone(t);
  return tf.tidy(() => {
    const positive = tf.greater(t, 0);
    const safe = tf.where(positive, t, tf.onesLike(t));
    const value = p === 1 ? tf.sqrt(safe) : tf.pow(safe, p / 2);
    return tf.where(positive, value, tf.zerosLike(t));
  });
}
