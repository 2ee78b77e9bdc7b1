import * as tf from '@tensorflow/tfjs-core';
import { infinityLike } from './log-ratio.js';
import type { PointwiseSpec } from './pointwise-terms.js';

/**
 * Taylor coefficients of g(d) = f_α(eᵈ) = (e^{αd} − 1 − α(eᵈ − 1))/(α(α−1)) around d = 0:
 * g(d) = Σ_{k≥2} (1 + α + … + α^{k−2}) dᵏ / k!, up to k = 8.
 */
function seriesCoefficients(alpha: number): number[] {
  const out: number[] = [];
  let h = 0;
  let factorial = 1;
  for (let k = 2; k <= 8; k++) {
    h += alpha ** (k - 2);
    factorial *= k;
    out.push(h / factorial);
  }
  return out;
}

/**
 * The α-divergence term q·f_α(p/q), f_α(u) = (u^α − 1 − α(u − 1))/(α(α−1)), for α ∉ {0, 1}.
 * Near p = q (|d| ≤ 0.25/max(1, |α|), d = log p − log q) it sums the Taylor series of f_α(eᵈ),
 * so the value is accurate and exactly 0 at p = q instead of a difference of nearly equal
 * numbers; elsewhere it evaluates (p^α q^{1−α} − q − α(p − q))/(α(α−1)) with the power in log
 * space. Limits: q f_α(0) = q/α (α > 0, +∞ for α < 0) where p = 0, and p·lim f_α(u)/u =
 * p/(1−α) (α < 1, +∞ for α > 1) where q = 0.
 */
export function alphaSpec(alpha: number): PointwiseSpec {
  const coefficients = seriesCoefficients(alpha);
  const radius = 0.25 / Math.max(1, Math.abs(alpha));
  const scale = 1 / (alpha * (alpha - 1));
  return {
    regular: ({ p, q, logP, logQ, d }) => {
      const near = tf.lessEqual(tf.abs(d), radius);
      const dc = tf.clipByValue(d, -radius, radius);
      let series: tf.Tensor = tf.fill(d.shape, coefficients[coefficients.length - 1]!);
      for (let k = coefficients.length - 2; k >= 0; k--) {
        series = tf.add(tf.mul(series, dc), coefficients[k]!);
      }
      const nearValue = tf.mul(q, tf.mul(tf.square(dc), series));
      const power = tf.exp(tf.add(tf.mul(alpha, logP), tf.mul(1 - alpha, logQ)));
      const farValue = tf.mul(scale, tf.sub(tf.sub(power, q), tf.mul(alpha, tf.sub(p, q))));
      return tf.where(near, nearValue, farValue);
    },
    pZero: (q) => (alpha > 0 ? tf.div(q, alpha) : infinityLike(q)),
    qZero: (p) => (alpha < 1 ? tf.div(p, 1 - alpha) : infinityLike(p)),
  };
}
