import { type Distribution, digamma, lgamma, softplus, xlogy } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Bernoulli } from '../bernoulli.js';
import type { Beta } from '../beta.js';
import type { Exponential } from '../exponential.js';
import type { Gamma } from '../gamma.js';
import type { Laplace } from '../laplace.js';
import type { Normal } from '../normal.js';
import type { Poisson } from '../poisson.js';
import type { Uniform } from '../uniform.js';

/*
 * KL between distributions of different families. Every finite pair is written as
 *   KL(p ‖ q) = −H(p) + H(p, q),   H(p, q) = −E_p[log q(X)] (the cross-entropy),
 * and the cross-entropy with q needs only a few moments of p: E[X] and Var[X] for a Normal q,
 * E[X] for an Exponential q, E[X] and E[log X] for a Gamma q, E[log X] and E[log(1 − X)] for a
 * Beta q. The pairs are the cross-family pairs torch registers in torch/distributions/kl.py; +∞
 * where p puts mass where q has none (a support of p not contained in q's).
 */

const LOG_2PI = Math.log(2 * Math.PI);
export const EULER_GAMMA = 0.5772156649015329;

/** The broadcast batch shape of the pair. */
export function batchOf(p: Distribution, q: Distribution): number[] {
  return tf.broadcast_util.assertAndGetBroadcastShape([...p.batchShape], [...q.batchShape]);
}

/**
 * KL = +∞ everywhere: the support of p is not contained in that of q whatever the parameters
 * (a Normal or Laplace against a family on [0, ∞) or [a, b]; an unbounded support against a
 * bounded one). torch's `_kl_*_infinity`.
 */
export function klInfinite(p: Distribution, q: Distribution): tf.Tensor {
  return tf.fill(batchOf(p, q), Number.POSITIVE_INFINITY);
}

/** `value` where `outside` is false, +∞ where it is true, broadcast to one shape. */
export function infiniteWhere(outside: tf.Tensor, value: tf.Tensor): tf.Tensor {
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(outside.shape, value.shape);
  return tf.where(
    tf.broadcastTo(outside, shape),
    tf.fill(shape, Number.POSITIVE_INFINITY),
    tf.broadcastTo(value, shape),
  );
}

/** `t` where `outside` is false, `safe` where it is true (so the +∞ entries give no NaN gradient). */
export function sanitize(outside: tf.Tensor, t: tf.Tensor, safe: number): tf.Tensor {
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(outside.shape, t.shape);
  return tf.where(tf.broadcastTo(outside, shape), tf.fill(shape, safe), tf.broadcastTo(t, shape));
}

/**
 * H(p, N(μ, σ²)) = −E_p[log q(X)] = ½ log(2πσ²) + (Var[X] + (E[X] − μ)²)/(2σ²), for any p with
 * finite variance.
 */
export function crossEntropyNormal(mean: tf.Tensor, variance: tf.Tensor, q: Normal): tf.Tensor {
  const spread = tf.add(variance, tf.square(tf.sub(mean, q.loc)));
  return tf.add(
    tf.add(0.5 * LOG_2PI, tf.log(q.scale)),
    tf.div(spread, tf.mul(2, tf.square(q.scale))),
  );
}

/** H(p, Exp(λ)) = λ E[X] − log λ, for p on [0, ∞). */
function crossEntropyExponential(mean: tf.Tensor, q: Exponential): tf.Tensor {
  return tf.sub(tf.mul(q.rate, mean), tf.log(q.rate));
}

/**
 * H(p, Gamma(α, β)) = log Γ(α) − α log β − (α − 1) E[log X] + β E[X] (rates β), for p on
 * [0, ∞).
 */
function crossEntropyGamma(mean: tf.Tensor, meanLog: tf.Tensor, q: Gamma): tf.Tensor {
  const a = q.concentration;
  const normaliser = tf.sub(lgamma(a), tf.mul(a, tf.log(q.rate)));
  return tf.add(normaliser, tf.sub(tf.mul(q.rate, mean), tf.mul(tf.sub(a, 1), meanLog)));
}

/**
 * g(r) = E[log(1 + rV)] for V ~ U(−1, 1), 0 < r ≤ 1:
 *   g(r) = [(1 + r) log(1 + r) − (1 − r) log(1 − r)]/(2r) − 1 = artanh(r)/r + ½ log(1 − r²) − 1,
 * from the series −Σ_{k≥1} r^{2k}/(2k(2k + 1)) below r = ½ (the closed form cancels there: for
 * a narrow interval r is small and g(r) ≈ −r²/6), from the closed form above (g(1) = log 2 − 1,
 * with 0 · log 0 = 0). Each branch sees inputs clamped to its own range, so neither gives NaN
 * gradients.
 */
function logMeanOffset(r: tf.Tensor): tf.Tensor {
  const small = tf.less(r, 0.5);
  const rs = tf.where(small, r, tf.zerosLike(r));
  const rl = tf.where(small, tf.onesLike(r), r);
  // Series in s = r², 12 terms: the 13th is below 0.25¹³/(26 · 27) ≈ 2e-11.
  const s = tf.square(rs);
  let series = tf.zerosLike(s);
  for (let k = 12; k >= 1; k--) {
    // Horner from the innermost term out: s(−c₁ + s(−c₂ + …)), cₖ = 1/(2k(2k + 1)).
    series = tf.mul(s, tf.add(series, -1 / (2 * k * (2 * k + 1))));
  }
  const closed = tf.sub(
    tf.div(
      tf.sub(tf.mul(tf.add(1, rl), tf.log(tf.add(1, rl))), xlogy(tf.sub(1, rl), tf.sub(1, rl))),
      tf.mul(2, rl),
    ),
    1,
  );
  return tf.where(small, series, closed);
}

/**
 * E[log X] for X ~ U(l, h), 0 ≤ l < h: with m = (l + h)/2 and r = (h − l)/(h + l),
 * log m + E[log(1 + rV)], V ~ U(−1, 1) (see {@link logMeanOffset}); equal to the textbook
 * (h log h − l log l)/(h − l) − 1 but without its cancellation for narrow intervals.
 */
export function uniformMeanLog(low: tf.Tensor, high: tf.Tensor): tf.Tensor {
  const sum = tf.add(low, high);
  const r = tf.div(tf.sub(high, low), sum);
  return tf.add(tf.log(tf.mul(0.5, sum)), logMeanOffset(r));
}

/** E[log X] = ψ(a) − ψ(a + b) for X ~ Beta(a, b). */
function betaMeanLog(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.sub(digamma(a), digamma(tf.add(a, b)));
}

/** −H(U(l, h)) = −log(h − l). */
function negEntropyUniform(low: tf.Tensor, high: tf.Tensor): tf.Tensor {
  return tf.neg(tf.log(tf.sub(high, low)));
}

// ---------------------------------------------------------------------------------------------
// q Normal

/**
 * KL(p ‖ N(μ, σ²)) = −H(p) + ½ log(2πσ²) + (Var p + (E p − μ)²)/(2σ²) for p Laplace,
 * Exponential, Gamma, Beta or Uniform (finite variance; torch `_kl_laplace_normal`,
 * `_kl_exponential_normal`, `_kl_gamma_normal`, `_kl_beta_normal`, `_kl_uniform_normal`).
 * For Laplace(m, b): H = 1 + log 2b, Var = 2b²; Exp(λ): H = 1 − log λ, E = 1/λ, Var = 1/λ²;
 * Gamma(α, β): E = α/β, Var = α/β²; Beta(a, b): E = a/(a + b), Var = ab/((a + b)²(a + b + 1));
 * U(l, h): H = log(h − l), E = (l + h)/2, Var = (h − l)²/12.
 */
export function klToNormal(
  p: Laplace | Exponential | Gamma | Beta | Uniform,
  q: Normal,
): tf.Tensor {
  return tf.add(tf.neg(p.entropy()), crossEntropyNormal(p.mean(), p.variance(), q));
}

/**
 * KL(N(m, s²) ‖ Laplace(μ, b)) = −½ log(2πe s²) + log 2b + E|X − μ|/b with
 * E|X − μ| = s √(2/π) e^{−d²/(2s²)} + d erf(d/(s√2)), d = m − μ (the mean of a folded normal;
 * torch `_kl_normal_laplace`). Simplified: log(b/s) − ½(1 + log(π/2)) + E|X − μ|/b.
 */
export function klNormalLaplace(p: Normal, q: Laplace): tf.Tensor {
  const d = tf.sub(p.loc, q.loc);
  const z = tf.div(d, p.scale);
  const folded = tf.add(
    tf.mul(tf.mul(Math.sqrt(2 / Math.PI), p.scale), tf.exp(tf.mul(-0.5, tf.square(z)))),
    tf.mul(d, tf.erf(tf.mul(Math.SQRT1_2, z))),
  );
  const constant = 0.5 * (1 + Math.log(Math.PI / 2));
  return tf.add(tf.sub(tf.log(tf.div(q.scale, p.scale)), constant), tf.div(folded, q.scale));
}

// ---------------------------------------------------------------------------------------------
// q Exponential

/**
 * KL(p ‖ Exp(λ)) = −H(p) + λ E[X] − log λ for p Gamma or Beta, on [0, ∞) (torch
 * `_kl_gamma_exponential`, `_kl_beta_exponential`).
 */
export function klToExponential(p: Gamma | Beta, q: Exponential): tf.Tensor {
  return tf.add(tf.neg(p.entropy()), crossEntropyExponential(p.mean(), q));
}

/**
 * KL(U(l, h) ‖ Exp(λ)) = −log(h − l) + λ(l + h)/2 − log λ where l ≥ 0, else +∞ (torch
 * `_kl_uniform_exponetial`).
 */
export function klUniformExponential(p: Uniform, q: Exponential): tf.Tensor {
  const outside = tf.less(p.low, 0);
  const low = sanitize(outside, p.low, 0);
  const high = sanitize(outside, p.high, 1);
  const mean = tf.mul(0.5, tf.add(low, high));
  return infiniteWhere(
    outside,
    tf.add(negEntropyUniform(low, high), crossEntropyExponential(mean, q)),
  );
}

// ---------------------------------------------------------------------------------------------
// q Gamma

/**
 * KL(Exp(λ) ‖ Gamma(α, β)) = α log(λ/β) + log Γ(α) + (α − 1)γ − 1 + β/λ, from −H = log λ − 1,
 * E[X] = 1/λ and E[log X] = −γ − log λ (γ: Euler's constant; torch `_kl_exponential_gamma`).
 */
export function klExponentialGamma(p: Exponential, q: Gamma): tf.Tensor {
  const a = q.concentration;
  const t1 = tf.mul(a, tf.log(tf.div(p.rate, q.rate)));
  const t2 = tf.add(lgamma(a), tf.mul(tf.sub(a, 1), EULER_GAMMA));
  return tf.add(tf.add(t1, t2), tf.sub(tf.div(q.rate, p.rate), 1));
}

/**
 * KL(Beta(a, b) ‖ Gamma(α, β)) = −H(p) + log Γ(α) − α log β − (α − 1)(ψ(a) − ψ(a + b))
 * + β a/(a + b), with E[log X] = ψ(a) − ψ(a + b) under Beta(a, b) (torch `_kl_beta_gamma`).
 */
export function klBetaGamma(p: Beta, q: Gamma): tf.Tensor {
  return tf.add(tf.neg(p.entropy()), crossEntropyGamma(p.mean(), betaMeanLog(p.a, p.b), q));
}

/**
 * KL(U(l, h) ‖ Gamma(α, β)) = −log(h − l) + log Γ(α) − α log β − (α − 1) E[log X]
 * + β(l + h)/2 where l ≥ 0, else +∞; E[log X] = (h log h − l log l)/(h − l) − 1, evaluated
 * without cancellation for narrow intervals (torch `_kl_uniform_gamma`, which gives NaN at l = 0;
 * here 0 · log 0 = 0).
 */
export function klUniformGamma(p: Uniform, q: Gamma): tf.Tensor {
  const outside = tf.less(p.low, 0);
  const low = sanitize(outside, p.low, 0.25);
  const high = sanitize(outside, p.high, 0.75);
  const mean = tf.mul(0.5, tf.add(low, high));
  const cross = crossEntropyGamma(mean, uniformMeanLog(low, high), q);
  return infiniteWhere(outside, tf.add(negEntropyUniform(low, high), cross));
}

// ---------------------------------------------------------------------------------------------
// q Beta

/**
 * KL(U(l, h) ‖ Beta(a, b)) = −log(h − l) + log B(a, b) − (a − 1) E[log X] − (b − 1) E[log(1 − X)]
 * where 0 ≤ l < h ≤ 1, else +∞; 1 − X ~ U(1 − h, 1 − l), so both expectations are
 * {@link uniformMeanLog} (torch `_kl_uniform_beta`, which gives NaN at l = 0 or h = 1; here
 * 0 · log 0 = 0).
 */
export function klUniformBeta(p: Uniform, q: Beta): tf.Tensor {
  const outside = tf.logicalOr(tf.less(p.low, 0), tf.greater(p.high, 1));
  const low = sanitize(outside, p.low, 0.25);
  const high = sanitize(outside, p.high, 0.75);
  const logB = tf.sub(tf.add(lgamma(q.a), lgamma(q.b)), lgamma(tf.add(q.a, q.b)));
  const t1 = tf.mul(tf.sub(q.a, 1), uniformMeanLog(low, high));
  const t2 = tf.mul(tf.sub(q.b, 1), uniformMeanLog(tf.sub(1, high), tf.sub(1, low)));
  const value = tf.sub(tf.add(negEntropyUniform(low, high), logB), tf.add(t1, t2));
  return infiniteWhere(outside, value);
}

// ---------------------------------------------------------------------------------------------
// q Uniform

/**
 * KL(Beta(a, b) ‖ U(l, h)) = −H(p) + log(h − l) where [0, 1] ⊆ [l, h], else +∞ (torch
 * `_kl_beta_uniform`).
 */
export function klBetaUniform(p: Beta, q: Uniform): tf.Tensor {
  const outside = tf.logicalOr(tf.greater(q.low, 0), tf.less(q.high, 1));
  const value = tf.add(tf.neg(p.entropy()), tf.log(tf.sub(q.high, q.low)));
  return infiniteWhere(outside, value);
}

// ---------------------------------------------------------------------------------------------
// Discrete

/**
 * KL(Bern(p) ‖ Pois(λ)) = −H(p) + λ − p log λ: Bernoulli's support {0, 1} lies in Poisson's,
 * with log q(0) = −λ and log q(1) = log λ − λ (torch `_kl_bernoulli_poisson`). p log λ is xlogy,
 * so p = 0 gives λ (not NaN) and a rate of 0 (possible with `validateArgs: false`) gives +∞ for
 * p > 0 and 0 for p = 0.
 */
export function klBernoulliPoisson(p: Bernoulli, q: Poisson): tf.Tensor {
  return tf.add(tf.neg(p.entropy()), tf.sub(q.rate, xlogy(p.probs, q.rate)));
}

/**
 * KL(Pois(λ) ‖ Bern(p)) = +∞ for λ > 0 (Poisson puts mass on 2, 3, …; torch
 * `_kl_poisson_infinity`). A rate of 0 (possible with `validateArgs: false`) is the point mass at
 * 0, where KL = −log(1 − p) = softplus(logit p); torch gives +∞ there too.
 */
export function klPoissonBernoulli(p: Poisson, q: Bernoulli): tf.Tensor {
  return infiniteWhere(tf.greater(p.rate, 0), softplus(q.logits));
}
