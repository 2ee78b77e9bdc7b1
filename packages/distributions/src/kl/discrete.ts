import { ShapeMismatchError, softplus, xlogy } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Bernoulli } from '../bernoulli.js';
import type { Categorical } from '../categorical.js';
import type { Poisson } from '../poisson.js';

/**
 * Logits with ±∞ (probabilities of exactly 0 or 1) replaced by ±1e30: the masked terms then stay
 * finite, so their zero-weighted gradients are 0 rather than NaN, and softplus(±1e30) is still
 * exact (1e30 and 0).
 */
function finiteLogits(logits: tf.Tensor): tf.Tensor {
  return tf.clipByValue(logits, -1e30, 1e30);
}

/**
 * KL(Bern(p) ‖ Bern(q)) = p log(p/q) + (1 − p) log((1 − p)/(1 − q)) from the logits:
 * log(p/q) = softplus(−ℓq) − softplus(−ℓp) and log((1−p)/(1−q)) = softplus(ℓq) − softplus(ℓp),
 * so nothing underflows for logits far from 0 (torch `_kl_bernoulli_bernoulli`;
 * KL(Bern(.3) ‖ Bern(.6)) = 0.183787, docs/references.md#kl-divergences-in-closed-form).
 *
 * Probabilities of exactly 0 or 1 (logits ∓∞) follow the limits, as in torch: a term whose
 * weight (p, or 1 − p) is 0 contributes 0 (0·log 0 = 0), and a term with positive weight where
 * q's probability is 0 contributes +∞. So KL(Bern(0) ‖ Bern(0)) = 0, KL(Bern(0) ‖ Bern(.3)) =
 * −log .7, KL(Bern(.5) ‖ Bern(0)) = +∞; never NaN. Unlike torch, which judges 0 and 1 on the
 * float32 probabilities, a finite logit counts as a positive probability even where σ(ℓ) rounds
 * to 0 or 1: KL(Bern(logit 0) ‖ Bern(logit 100)) is ≈ 49.3, not +∞.
 */
export function klBernoulliBernoulli(p: Bernoulli, q: Bernoulli): tf.Tensor {
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(p.logits.shape, q.logits.shape);
  const full = (t: tf.Tensor) => tf.broadcastTo(t, shape);
  const lp = finiteLogits(p.logits);
  const lq = finiteLogits(q.logits);
  const inf = tf.fill(shape, Number.POSITIVE_INFINITY);
  const zero = tf.zerosLike(inf);
  const t1 = full(tf.mul(p.probs, tf.sub(softplus(tf.neg(lq)), softplus(tf.neg(lp)))));
  const t2 = full(tf.mul(tf.sigmoid(tf.neg(lp)), tf.sub(softplus(lq), softplus(lp))));
  const one = tf.where(
    full(tf.equal(p.logits, Number.NEGATIVE_INFINITY)),
    zero,
    tf.where(full(tf.equal(q.logits, Number.NEGATIVE_INFINITY)), inf, t1),
  );
  const other = tf.where(
    full(tf.equal(p.logits, Number.POSITIVE_INFINITY)),
    zero,
    tf.where(full(tf.equal(q.logits, Number.POSITIVE_INFINITY)), inf, t2),
  );
  return tf.add(one, other);
}

/**
 * KL(Cat(p) ‖ Cat(q)) = Σᵢ pᵢ (log pᵢ − log qᵢ) over the last (category) axis, from the
 * normalised logits (torch `_kl_categorical_categorical`; [.2, .5, .3] ‖ [.1, .3, .6] =
 * 0.186098, docs/references.md#kl-divergences-in-closed-form). Zeros (logits −∞) follow the limits with xlogy's
 * convention: a category with pᵢ = 0 contributes 0 (0·log 0 = 0, whatever qᵢ), one with
 * pᵢ > 0 = qᵢ contributes +∞; never NaN. As for Bernoulli, a finite logit is a positive
 * probability even where its exp underflows in float32.
 */
export function klCategoricalCategorical(p: Categorical, q: Categorical): tf.Tensor {
  const k = p.logits.shape[p.logits.rank - 1];
  const kq = q.logits.shape[q.logits.rank - 1];
  if (k !== kq) {
    throw new ShapeMismatchError(
      `kl: Categorical distributions over different numbers of categories (p: ${k}, q: ${kq})`,
    );
  }
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(p.logits.shape, q.logits.shape);
  const full = (t: tf.Tensor) => tf.broadcastTo(t, shape);
  const terms = full(tf.mul(p.probs, tf.sub(finiteLogits(p.logits), finiteLogits(q.logits))));
  const inf = tf.fill(shape, Number.POSITIVE_INFINITY);
  const masked = tf.where(
    full(tf.equal(p.logits, Number.NEGATIVE_INFINITY)),
    tf.zerosLike(inf),
    tf.where(full(tf.equal(q.logits, Number.NEGATIVE_INFINITY)), inf, terms),
  );
  return tf.sum(masked, -1);
}

/**
 * KL(Pois(λ₁) ‖ Pois(λ₂)) = λ₁ log(λ₁/λ₂) − λ₁ + λ₂ (torch `_kl_poisson_poisson`;
 * KL(Pois(2) ‖ Pois(3)) = 0.189070, docs/references.md#kl-divergences-in-closed-form), with xlogy so that a rate
 * of 0 in p gives λ₂ (the point mass at 0), not NaN, and a rate of 0 in q only gives +∞.
 */
export function klPoissonPoisson(p: Poisson, q: Poisson): tf.Tensor {
  return tf.add(xlogy(p.rate, tf.div(p.rate, q.rate)), tf.sub(q.rate, p.rate));
}
