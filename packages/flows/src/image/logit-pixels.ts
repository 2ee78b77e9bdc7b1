import * as tf from '@tensorflow/tfjs-core';

// RealNVP's preprocessing of 8-bit images (Dinh et al. 2017, §4.1) and its inverse, used by
// MultiscaleFlow; internal.

/**
 * Pixels `x` in [0, 1] (level/255) → the dequantised y = (level + u)/256 in [0, 1] → the logits
 * v = logit(α + (1 − 2α)·y), with log |det ∂v/∂y| = Σ [log(1 − 2α) − log s − log(1 − s)],
 * s = α + (1 − 2α)·y, summed over the last three axes. `u` is uniform noise of x's shape, or a
 * number (½: the centre of every level's bin). Call inside `tf.tidy`.
 */
export function pixelsToLogits(
  x: tf.Tensor,
  u: tf.Tensor | number,
  alpha: number,
): { v: tf.Tensor; logDet: tf.Tensor } {
  const levels = tf.round(tf.mul(tf.clipByValue(x, 0, 1), 255));
  const y = tf.div(tf.add(levels, u), 256);
  const s = tf.add(alpha, tf.mul(1 - 2 * alpha, y));
  const logS = tf.log(s);
  const log1mS = tf.log1p(tf.neg(s));
  const v = tf.sub(logS, log1mS);
  const perValue = tf.sub(Math.log(1 - 2 * alpha), tf.add(logS, log1mS));
  return { v, logDet: tf.sum(perValue, [-3, -2, -1]) };
}

/**
 * Logits v → y = (sigmoid(v) − α)/(1 − 2α) → the pixel level ⌊256·y⌋ (clamped to 0…255) / 255:
 * the data point whose bin holds y. Call inside `tf.tidy`.
 */
export function logitsToPixels(v: tf.Tensor, alpha: number): tf.Tensor {
  const y = tf.div(tf.sub(tf.sigmoid(v), alpha), 1 - 2 * alpha);
  return tf.div(tf.clipByValue(tf.floor(tf.mul(y, 256)), 0, 255), 255);
}
