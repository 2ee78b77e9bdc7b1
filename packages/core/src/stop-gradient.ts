import * as tf from '@tensorflow/tfjs-core';

const stop = tf.customGrad((x, save) => {
  (save as tf.GradSaveFunc)([]);
  const input = x as tf.Tensor;
  return { value: tf.clone(input), gradFunc: (dy) => tf.zerosLike(dy) };
});

/**
 * The identity in the forward pass and a zero gradient in the backward pass (tfjs has no
 * `stop_gradient`). Used for baselines, targets and straight-through tricks.
 *
 * ```ts
 * const g = tf.grad((x) => tf.mul(x, stopGradient(x)))(tf.scalar(3)); // 3, not 6
 * ```
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return stop(x) as T;
}
