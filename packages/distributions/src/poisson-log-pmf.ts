import * as tf from '@tensorflow/tfjs-core';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** stirlerr(k) = log k! − [(k + ½) log k − k + ½ log 2π] for k = 0..9 (0 unused), float64. */
const STIRLERR = [
  0, 0.08106146679532733, 0.041340695955409235, 0.02767792568499816, 0.020790672103765395,
  0.016644691189821703, 0.013876128823070655, 0.011896709945891981, 0.010411265261975,
  0.009255462182710783,
];

/** Stirling's error term: the table below 10, its asymptotic series (error < 1e−12) above. */
function stirlerr(k: tf.Tensor): tf.Tensor {
  const small = tf.less(k, STIRLERR.length);
  const index = tf.cast(tf.clipByValue(k, 0, STIRLERR.length - 1), 'int32');
  // A one-hot lookup, not tf.gather: gather's gradient for its indices is an int32 tensor, which
  // tfjs refuses when k depends on a differentiated parameter (Binomial's totalCount).
  const hot = tf.cast(tf.oneHot(index, STIRLERR.length), 'float32');
  const table = tf.sum(tf.mul(hot, tf.tensor1d(STIRLERR)), -1);
  const kk = tf.maximum(k, STIRLERR.length);
  const inv2 = tf.reciprocal(tf.square(kk));
  // 1/(12k) − 1/(360k³) + 1/(1260k⁵) − 1/(1680k⁷)
  const poly = tf.add(
    1 / 12,
    tf.mul(inv2, tf.add(-1 / 360, tf.mul(inv2, tf.add(1 / 1260, tf.mul(inv2, -1 / 1680))))),
  );
  return tf.where(small, table, tf.div(poly, kk));
}

/**
 * Loader's deviance term bd0(k, λ) = k log(k/λ) + λ − k ≥ 0 without cancellation: for k near λ
 * (|v| < 0.1 with v = (k − λ)/(k + λ)) as (k − λ)v + 2k Σⱼ v^(2j+1)/(2j+1), else directly.
 */
function bd0(k: tf.Tensor, rate: tf.Tensor): tf.Tensor {
  const sum = tf.add(k, rate);
  const d = tf.sub(k, rate);
  const v = tf.div(d, sum);
  const v2 = tf.square(v);
  let series = tf.zerosLike(v);
  let power = v;
  for (let j = 1; j <= 6; j++) {
    power = tf.mul(power, v2);
    series = tf.add(series, tf.div(power, 2 * j + 1));
  }
  const near = tf.add(tf.mul(d, v), tf.mul(tf.mul(2, k), series));
  const direct = tf.add(tf.mul(k, tf.log(tf.div(k, rate))), tf.neg(d));
  return tf.where(tf.less(tf.abs(v), 0.1), near, direct);
}

/**
 * log P(X = k) of a Poisson(λ) for integer k ≥ 0, accurate in float32 for large k and λ:
 * −λ at k = 0, else −½ log(2πk) − stirlerr(k) − bd0(k, λ) (Loader 2000, as in R's dpois),
 * which avoids the cancellation of k log λ − λ − log k! between terms of size λ log λ.
 * Broadcasts k against λ. Internal: used by the entropy series and the sampler.
 */
export function poissonLogPmf(k: tf.Tensor, rate: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(k.shape, rate.shape);
    const kb = tf.broadcastTo(k, shape);
    const lb = tf.broadcastTo(rate, shape);
    const kSafe = tf.maximum(kb, 1);
    const positive = tf.neg(
      tf.add(
        tf.add(tf.mul(0.5, tf.log(kSafe)), HALF_LOG_2PI),
        tf.add(stirlerr(kSafe), bd0(kSafe, lb)),
      ),
    );
    return tf.where(tf.equal(kb, 0), tf.neg(lb), positive);
  });
}
