import * as tf from '@tensorflow/tfjs-core';

/**
 * φ(x) = log(2 / (1 + eˣ)), exactly 0 at x = 0 and finite for every finite x. With
 * d = log p − log q and M = (P+Q)/2: log(p/m) = φ(−d) and log(q/m) = φ(d).
 * For x ≤ 0 it is −log1p(expm1(x)/2) (argument in (−½, 0], no cancellation at 0); for x > 0,
 * −x + φ(−x).
 */
export function logTwoOverOnePlusExp(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const positive = tf.greater(x, 0);
    const negPart = tf.where(positive, tf.neg(x), x);
    const base = tf.neg(tf.log1p(tf.div(tf.expm1(negPart), 2)));
    return tf.where(positive, tf.sub(base, x), base);
  });
}

/** The elementwise log of a non-negative tensor, −∞ at zeros, with a zero gradient there. */
export function safeLog(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const positive = tf.greater(x, 0);
    const logs = tf.log(tf.where(positive, x, tf.onesLike(x)));
    return tf.where(positive, logs, tf.fill(x.shape, Number.NEGATIVE_INFINITY));
  });
}

/** A tensor of +∞ shaped like `x`. */
export function infinityLike(x: tf.Tensor): tf.Tensor {
  return tf.fill(x.shape, Number.POSITIVE_INFINITY);
}
