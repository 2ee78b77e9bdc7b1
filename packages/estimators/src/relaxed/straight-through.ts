import * as tf from '@tensorflow/tfjs-core';

/**
 * The straight-through trick: the forward value is exactly `hard` (no `hard − soft + soft`
 * rounding, so 0/1 and one-hot values stay exact), the gradient is passed to `soft` unchanged.
 */
export function straightThroughValue(hard: tf.Tensor, soft: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((_soft, save) => {
    (save as tf.GradSaveFunc)([]);
    return { value: tf.clone(hard), gradFunc: (dy: tf.Tensor) => dy };
  });
  return op(soft);
}

/** log(eᵃ + eᵇ), finite when one side is −∞. */
export function logAddExp(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const top = tf.maximum(a, b);
  return tf.add(top, tf.log1p(tf.exp(tf.neg(tf.abs(tf.sub(a, b))))));
}
