import * as tf from '@tensorflow/tfjs-core';

/** Candidates per round of the search (the bracket shrinks by this factor each round). */
const FANOUT = 32;
/** Rounds of the search: brackets up to FANOUT^ROUNDS = 2²⁵ integers wide end exact. */
const ROUNDS = 5;
const WIDEST = FANOUT ** ROUNDS;
/**
 * cdf(k) counts as reaching u from u·(1 − 2⁻¹⁷) on (a relative slack of 7.6e−6): the float32 cdfs
 * of the families carry a few 1e−6 relative error (betainc and igammac, measured; 2.2e−6 for
 * NegativeBinomial(1, 0.7) at 0, whose cdf is exactly 0.3), so without it a cdf value equal to u
 * in exact arithmetic would fall either side of u depending on rounding and on the backend.
 */
export const CDF_SLACK = 2 ** -17;

/**
 * The quantile of an integer-valued family on {0, 1, …}: for each u the smallest integer k ≥ 0
 * with cdf(k) ≥ u (scipy's `ppf`), as float32. Internal to the families' `icdf`.
 *
 * A fixed-cost search, no read-backs: the bracket (lo, hi] with cdf(lo) < u ≤ cdf(hi) starts at
 * lo = max(−1, hi − 2²⁵) and shrinks 32-fold per round, the cdf evaluated at 31 evenly spaced
 * integers at once (one call on a `[31, ...shape]` tensor), for 5 rounds; cdf(k) ≥ u is tested
 * as cdf(k) ≥ u·(1 − 2⁻¹⁷) (see {@link CDF_SLACK}). `hi` must satisfy
 * cdf(hi) ≥ u for every u < 1 that float32 holds (a support end, or the mean plus enough
 * standard deviations that the tail mass rounds away); where hi − lo would exceed 2²⁵ (means
 * beyond ~10⁷, where float32 no longer holds every integer) the lowest quantiles are clamped to
 * hi − 2²⁵ + 1. u = 0 gives 0 (the lower end of the support: scipy's ppf(0) is −1, below it),
 * u = 1 gives `atOne`, and u outside [0, 1] or NaN gives NaN.
 *
 * @param cdf P(X ≤ k) at integer k of shape `[m, ...shape]` (broadcasting against the batch).
 * @param u probabilities, `[...shape]` (already broadcast against the batch).
 * @param hi an integer upper end of the bracket, broadcasting against `u`.
 * @param atOne the value at u = 1 (the upper end of the support, or ∞).
 */
export function integerQuantile(
  cdf: (k: tf.Tensor) => tf.Tensor,
  u: tf.Tensor,
  hi: tf.Tensor,
  atOne: tf.Tensor | number,
): tf.Tensor {
  return tf.tidy(() => {
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(u.shape, hi.shape);
    const target = tf.broadcastTo(u, shape);
    const threshold = tf.mul(target, 1 - CDF_SLACK);
    let upper = tf.broadcastTo(tf.cast(hi, 'float32'), shape);
    let lower = tf.maximum(tf.sub(upper, WIDEST), -1);
    const offsets = tf.reshape(tf.range(1, FANOUT, 1, 'float32'), [
      FANOUT - 1,
      ...shape.map(() => 1),
    ]);
    for (let round = 0; round < ROUNDS; round++) {
      const step = tf.ceil(tf.div(tf.sub(upper, lower), FANOUT));
      const k = tf.minimum(tf.add(lower, tf.mul(offsets, step)), upper); // [31, ...shape]
      const reached = tf.greaterEqual(cdf(k), threshold);
      upper = tf.minimum(upper, tf.min(tf.where(reached, k, tf.broadcastTo(upper, k.shape)), 0));
      lower = tf.maximum(lower, tf.max(tf.where(reached, tf.broadcastTo(lower, k.shape), k), 0));
    }
    const end = tf.broadcastTo(typeof atOne === 'number' ? tf.scalar(atOne) : atOne, shape);
    const inside = tf.logicalAnd(tf.greaterEqual(target, 0), tf.lessEqual(target, 1));
    const value = tf.where(
      tf.equal(target, 0),
      tf.zeros(shape),
      tf.where(tf.equal(target, 1), tf.cast(end, 'float32'), upper),
    );
    return tf.where(inside, value, tf.fill(shape, Number.NaN));
  });
}
