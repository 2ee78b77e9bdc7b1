import {
  cholesky,
  digamma,
  lgamma,
  log1mexp,
  logDetFromCholesky,
  logSigmoid,
  NotImplementedError,
  ShapeMismatchError,
  softplus,
  triangularSolve,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Bernoulli } from '../bernoulli.js';
import type { Binomial } from '../binomial.js';
import type { Categorical } from '../categorical.js';
import type { Cauchy } from '../cauchy.js';
import type { Dirichlet } from '../dirichlet.js';
import type { Exponential } from '../exponential.js';
import type { Gamma } from '../gamma.js';
import type { Geometric } from '../geometric.js';
import type { Gumbel } from '../gumbel.js';
import type { HalfNormal } from '../half-normal.js';
import { LowRankMultivariateNormal } from '../low-rank-multivariate-normal.js';
import type { MultivariateNormal } from '../multivariate-normal.js';
import type { Normal } from '../normal.js';
import type { OneHotCategorical } from '../one-hot-categorical.js';
import type { Pareto } from '../pareto.js';
import type { Poisson } from '../poisson.js';
import type { Uniform } from '../uniform.js';
import {
  batchOf,
  crossEntropyNormal,
  EULER_GAMMA,
  infiniteWhere,
  sanitize,
  uniformMeanLog,
} from './cross.js';
import { klBernoulliBernoulli, klCategoricalCategorical } from './discrete.js';

/*
 * KL pairs torch 1.13 registers (torch/distributions/kl.py) for the families of the zoo:
 * same-family pairs, and the pairs across families involving Gumbel and Pareto. As in cross.ts,
 * a pair across families is −H(p) + H(p, q) with the cross-entropy H(p, q) = −E_p[log q(X)]
 * taken from a few moments of p; +∞ where p's support is not inside q's.
 */

/**
 * H(p, Gumbel(μ, β)) = log β + E[Z] + E[e^{−Z}] with Z = (X − μ)/β, since
 * log q(x) = −log β − z − e^{−z}. `logMgf` is log E_p[e^{−X/β}], so E[e^{−Z}] = e^{μ/β + logMgf}
 * (kept in the log domain: e^{μ/β} alone may overflow).
 */
function crossEntropyGumbel(mean: tf.Tensor, logMgf: tf.Tensor, q: Gumbel): tf.Tensor {
  const z = tf.div(tf.sub(mean, q.loc), q.scale);
  return tf.add(tf.add(tf.log(q.scale), z), tf.exp(tf.add(tf.div(q.loc, q.scale), logMgf)));
}

// ---------------------------------------------------------------------------------------------
// Same family

/**
 * KL(Bin(n₁, p) ‖ Bin(n₂, q)) for n₁ = n₂ = n is n · KL(Bern(p) ‖ Bern(q)) (the binomial is a
 * sum of n independent Bernoullis), +∞ where n₁ > n₂ (p puts mass on n₂ + 1, …, n₁). Where
 * n₁ < n₂ anywhere it throws NotImplementedError, as torch `_kl_binomial_binomial` does (the
 * sum Σₖ p(k) log C(n₁, k)/C(n₂, k) has no closed form). Probabilities 0 and 1 follow the
 * Bernoulli limits (never NaN); n = 0 gives 0.
 */
export function klBinomialBinomial(p: Binomial, q: Binomial): tf.Tensor {
  const np = p.totalCount;
  const nq = q.totalCount;
  if (tf.tidy(() => tf.any(tf.less(np, nq)).dataSync()[0] === 1)) {
    throw new NotImplementedError(
      "kl: KL(Binomial ‖ Binomial) where q's totalCount exceeds p's is not implemented (as in torch)",
    );
  }
  // klBernoulliBernoulli reads only logits and probs, which Binomial has with the same meaning.
  const perTrial = klBernoulliBernoulli(p as unknown as Bernoulli, q as unknown as Bernoulli);
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(
    perTrial.shape,
    tf.broadcast_util.assertAndGetBroadcastShape(np.shape, nq.shape),
  );
  const zero = tf.equal(np, 0);
  const safe = tf.where(
    tf.broadcastTo(zero, shape),
    tf.zeros(shape),
    tf.broadcastTo(perTrial, shape),
  );
  return infiniteWhere(tf.greater(np, nq), tf.mul(np, safe));
}

/**
 * KL(Cauchy(μ₁, γ₁) ‖ Cauchy(μ₂, γ₂)) = log[((γ₁ + γ₂)² + (μ₁ − μ₂)²)/(4γ₁γ₂)] (torch
 * `_kl_cauchy_cauchy`; Chyzak & Nielsen 2019).
 */
export function klCauchyCauchy(p: Cauchy, q: Cauchy): tf.Tensor {
  const num = tf.add(tf.square(tf.add(p.scale, q.scale)), tf.square(tf.sub(p.loc, q.loc)));
  return tf.log(tf.div(num, tf.mul(4, tf.mul(p.scale, q.scale))));
}

/**
 * KL(Dir(α) ‖ Dir(β)) = log Γ(α₀) − log Γ(β₀) − Σ [log Γ(αᵢ) − log Γ(βᵢ)]
 * + Σ (αᵢ − βᵢ)(ψ(αᵢ) − ψ(α₀)), α₀ = Σαᵢ, β₀ = Σβᵢ, from E[log Xᵢ] = ψ(αᵢ) − ψ(α₀) (torch
 * `_kl_dirichlet_dirichlet`).
 */
export function klDirichletDirichlet(p: Dirichlet, q: Dirichlet): tf.Tensor {
  const a = p.concentration;
  const b = q.concentration;
  const k = a.shape[a.rank - 1];
  const kq = b.shape[b.rank - 1];
  if (k !== kq) {
    throw new ShapeMismatchError(`kl: Dirichlet dimensions differ (p: ${k}, q: ${kq})`);
  }
  const a0 = tf.sum(a, -1);
  const b0 = tf.sum(b, -1);
  const t1 = tf.sub(lgamma(a0), lgamma(b0));
  const t2 = tf.sum(tf.sub(lgamma(a), lgamma(b)), -1);
  const meanLog = tf.sub(digamma(a), tf.expandDims(digamma(a0), -1));
  return tf.add(tf.sub(t1, t2), tf.sum(tf.mul(tf.sub(a, b), meanLog), -1));
}

/**
 * KL(Geom(p) ‖ Geom(q)) = −H(p) − E[K] log(1 − q) − log q with E[K] = (1 − p)/p (failures before
 * the first success; log q(k) = k log(1 − q) + log q; torch `_kl_geometric_geometric`). log q and
 * log(1 − q) come from q's logits; E[K] = 0 (p = 1) contributes 0 even where q = 1, and q = 1
 * against p < 1 gives +∞.
 */
export function klGeometricGeometric(p: Geometric, q: Geometric): tf.Tensor {
  const failures = tf.div(tf.sub(1, p.probs), p.probs);
  const logFail = logSigmoid(tf.neg(q.logits));
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(failures.shape, logFail.shape);
  const none = tf.broadcastTo(tf.equal(failures, 0), shape);
  // 0 · log(1 − q) = 0 where p = 1 (no failures), even at q = 1; elsewhere q = 1 gives +∞.
  const safeLog = tf.where(none, tf.zeros(shape), tf.broadcastTo(logFail, shape));
  const term = tf.mul(failures, safeLog);
  return tf.sub(tf.sub(tf.neg(p.entropy()), term), logSigmoid(q.logits));
}

/**
 * KL(Gumbel(μ₁, β₁) ‖ Gumbel(μ₂, β₂)) = log(β₂/β₁) + (μ₁ + β₁γ − μ₂)/β₂
 * + exp((μ₂ − μ₁)/β₂ + log Γ(1 + β₁/β₂)) − 1 − γ, from E[Z] = γ and E[e^{−tZ}] = Γ(1 + t) for
 * a standard Gumbel Z (torch `_kl_gumbel_gumbel`).
 */
export function klGumbelGumbel(p: Gumbel, q: Gumbel): tf.Tensor {
  const ratio = tf.div(p.scale, q.scale);
  const t1 = tf.neg(tf.log(ratio));
  const t2 = tf.div(tf.sub(tf.add(p.loc, tf.mul(EULER_GAMMA, p.scale)), q.loc), q.scale);
  const t3 = tf.exp(tf.add(tf.div(tf.sub(q.loc, p.loc), q.scale), lgamma(tf.add(1, ratio))));
  return tf.sub(tf.add(tf.add(t1, t2), t3), 1 + EULER_GAMMA);
}

/**
 * KL(HalfNormal(σ₁) ‖ HalfNormal(σ₂)) = ½ [r − 1 − log r], r = (σ₁/σ₂)²: the normal KL at equal
 * locations, since both densities are twice the normal's on [0, ∞) (torch
 * `_kl_halfnormal_halfnormal`).
 */
export function klHalfNormalHalfNormal(p: HalfNormal, q: HalfNormal): tf.Tensor {
  const r = tf.square(tf.div(p.scale, q.scale));
  return tf.mul(0.5, tf.sub(tf.sub(r, 1), tf.log(r)));
}

/** KL(OneHotCat(p) ‖ OneHotCat(q)) = KL(Cat(p) ‖ Cat(q)) (torch delegates likewise). */
export function klOneHotCategorical(p: OneHotCategorical, q: OneHotCategorical): tf.Tensor {
  // klCategoricalCategorical reads only the normalised logits and probs, shared with Categorical.
  return klCategoricalCategorical(p as unknown as Categorical, q as unknown as Categorical);
}

/**
 * KL(Pareto(x₁, α₁) ‖ Pareto(x₂, α₂)) = α₂ log(x₁/x₂) + log(α₁/α₂) + α₂/α₁ − 1 where x₁ ≥ x₂,
 * +∞ where x₁ < x₂ (p has mass on [x₁, x₂)), from E[log X] = log x₁ + 1/α₁ (torch
 * `_kl_pareto_pareto`).
 */
export function klParetoPareto(p: Pareto, q: Pareto): tf.Tensor {
  const outside = tf.less(p.scale, q.scale);
  const xp = sanitize(outside, p.scale, 2);
  const xq = sanitize(outside, q.scale, 1);
  const alphaRatio = tf.div(q.alpha, p.alpha);
  const value = tf.add(
    tf.mul(q.alpha, tf.log(tf.div(xp, xq))),
    tf.sub(tf.sub(alphaRatio, tf.log(alphaRatio)), 1),
  );
  return infiniteWhere(outside, value);
}

// ---------------------------------------------------------------------------------------------
// Gaussians with a low-rank covariance

/** Location and Cholesky factor of the covariance of either Gaussian family. */
function gaussianParts(d: MultivariateNormal | LowRankMultivariateNormal): [tf.Tensor, tf.Tensor] {
  if (d instanceof LowRankMultivariateNormal) {
    return [d.loc, cholesky(d.covariance(), { check: false })];
  }
  return [d.loc, d.scaleTril];
}

/**
 * KL between Gaussians, any of LowRankMultivariateNormal and MultivariateNormal (torch registers
 * LowRank ‖ LowRank, LowRank ‖ MVN and MVN ‖ LowRank): the dense covariance WWᵀ + diag(d) of
 * a low-rank side is factorised (O(k³); torch uses the capacitance matrix instead), then
 *   KL = Σ log diag L₂ − Σ log diag L₁ + ½ [‖L₂⁻¹L₁‖²_F + ‖L₂⁻¹(μ₂ − μ₁)‖² − k].
 */
export function klGaussianLowRank(
  p: MultivariateNormal | LowRankMultivariateNormal,
  q: MultivariateNormal | LowRankMultivariateNormal,
): tf.Tensor {
  const [mp, lpRaw] = gaussianParts(p);
  const [mq, lqRaw] = gaussianParts(q);
  const k = mp.shape[mp.rank - 1]!;
  const kq = mq.shape[mq.rank - 1]!;
  if (k !== kq) {
    throw new ShapeMismatchError(`kl: Gaussian dimensions differ (p: ${k}, q: ${kq})`);
  }
  const batch = batchOf(p, q);
  const lp = tf.broadcastTo(lpRaw, [...batch, k, k]);
  const lq = tf.broadcastTo(lqRaw, [...batch, k, k]);
  const diff = tf.sub(tf.broadcastTo(mq, [...batch, k]), tf.broadcastTo(mp, [...batch, k]));
  const halfLogDetRatio = tf.mul(0.5, tf.sub(logDetFromCholesky(lq), logDetFromCholesky(lp)));
  const trace = tf.sum(tf.square(triangularSolve(lq, lp)), [-2, -1]);
  const mahalanobis = tf.sum(tf.square(triangularSolve(lq, tf.expandDims(diff, -1))), [-2, -1]);
  return tf.add(halfLogDetRatio, tf.mul(0.5, tf.sub(tf.add(trace, mahalanobis), k)));
}

// ---------------------------------------------------------------------------------------------
// q Gumbel

/**
 * KL(Exp(λ) ‖ Gumbel(μ, β)) = −(1 − log λ) + H(p, q), E[X] = 1/λ,
 * log E[e^{−X/β}] = log(λβ/(λβ + 1)) (torch `_kl_exponential_gumbel`).
 */
export function klExponentialGumbel(p: Exponential, q: Gumbel): tf.Tensor {
  const lb = tf.mul(p.rate, q.scale);
  const logMgf = tf.neg(tf.log1p(tf.reciprocal(lb)));
  return tf.add(tf.neg(p.entropy()), crossEntropyGumbel(tf.reciprocal(p.rate), logMgf, q));
}

/**
 * KL(Gamma(α, r) ‖ Gumbel(μ, β)) = −H(p) + H(p, q), E[X] = α/r,
 * log E[e^{−X/β}] = −α log(1 + 1/(rβ)) (torch `_kl_gamma_gumbel`).
 */
export function klGammaGumbel(p: Gamma, q: Gumbel): tf.Tensor {
  const logMgf = tf.mul(tf.neg(p.concentration), tf.log1p(tf.reciprocal(tf.mul(p.rate, q.scale))));
  return tf.add(
    tf.neg(p.entropy()),
    crossEntropyGumbel(tf.div(p.concentration, p.rate), logMgf, q),
  );
}

/**
 * KL(N(m, s²) ‖ Gumbel(μ, β)) = −½ log(2πe s²) + H(p, q), log E[e^{−X/β}] = −m/β + s²/(2β²)
 * (torch `_kl_normal_gumbel`).
 */
export function klNormalGumbel(p: Normal, q: Gumbel): tf.Tensor {
  const logMgf = tf.add(
    tf.neg(tf.div(p.loc, q.scale)),
    tf.mul(0.5, tf.square(tf.div(p.scale, q.scale))),
  );
  return tf.add(tf.neg(p.entropy()), crossEntropyGumbel(p.loc, logMgf, q));
}

/**
 * KL(U(l, h) ‖ Gumbel(μ, β)) = −log(h − l) + H(p, q), E[X] = (l + h)/2,
 * log E[e^{−X/β}] = −l/β + log(β/(h − l)) + log(1 − e^{−(h − l)/β}) (torch
 * `_kl_uniform_gumbel`).
 */
export function klUniformGumbel(p: Uniform, q: Gumbel): tf.Tensor {
  const width = tf.sub(p.high, p.low);
  const logMgf = tf.add(
    tf.add(tf.neg(tf.div(p.low, q.scale)), tf.log(tf.div(q.scale, width))),
    log1mexp(tf.neg(tf.div(width, q.scale))),
  );
  const mean = tf.mul(0.5, tf.add(p.low, p.high));
  return tf.add(tf.neg(tf.log(width)), crossEntropyGumbel(mean, logMgf, q));
}

// ---------------------------------------------------------------------------------------------
// q Normal

/**
 * KL(Gumbel(μ, β) ‖ N(m, s²)) = −(log β + γ + 1) + H(p, q) with E[X] = μ + βγ,
 * Var[X] = π²β²/6 (torch `_kl_gumbel_normal`).
 */
export function klGumbelNormal(p: Gumbel, q: Normal): tf.Tensor {
  return tf.add(tf.neg(p.entropy()), crossEntropyNormal(p.mean(), p.variance(), q));
}

/** Pareto's −H, E[X], Var[X] and E[log X], with α replaced by 3 where `outside`. */
function paretoMoments(p: Pareto, outside: tf.Tensor) {
  const alpha = sanitize(outside, p.alpha, 3);
  const x = p.scale;
  const negEntropy = tf.sub(tf.log(tf.div(alpha, x)), tf.add(tf.reciprocal(alpha), 1));
  const mean = tf.div(tf.mul(alpha, x), tf.sub(alpha, 1));
  const variance = tf.div(
    tf.mul(tf.square(x), alpha),
    tf.mul(tf.square(tf.sub(alpha, 1)), tf.sub(alpha, 2)),
  );
  const meanLog = tf.add(tf.log(x), tf.reciprocal(alpha));
  return { negEntropy, mean, variance, meanLog };
}

/**
 * KL(Pareto(x, α) ‖ N(μ, σ²)) = −H(p) + H(p, q) for α > 2 (finite variance), +∞ for α ≤ 2;
 * −H = log(α/x) − 1/α − 1, E[X] = αx/(α − 1), Var[X] = αx²/((α − 1)²(α − 2)) (torch
 * `_kl_pareto_normal`).
 */
export function klParetoNormal(p: Pareto, q: Normal): tf.Tensor {
  const outside = tf.lessEqual(p.alpha, 2);
  const m = paretoMoments(p, outside);
  return infiniteWhere(outside, tf.add(m.negEntropy, crossEntropyNormal(m.mean, m.variance, q)));
}

/**
 * KL(Pareto(x, α) ‖ Exp(λ)) = −H(p) + λE[X] − log λ for α > 1, +∞ for α ≤ 1 (infinite mean;
 * torch `_kl_pareto_exponential`).
 */
export function klParetoExponential(p: Pareto, q: Exponential): tf.Tensor {
  const outside = tf.lessEqual(p.alpha, 1);
  const m = paretoMoments(p, outside);
  const cross = tf.sub(tf.mul(q.rate, m.mean), tf.log(q.rate));
  return infiniteWhere(outside, tf.add(m.negEntropy, cross));
}

/**
 * KL(Pareto(x, α) ‖ Gamma(a, r)) = −H(p) + log Γ(a) − a log r − (a − 1)E[log X] + rE[X] for
 * α > 1, +∞ for α ≤ 1; E[log X] = log x + 1/α (torch `_kl_pareto_gamma`).
 */
export function klParetoGamma(p: Pareto, q: Gamma): tf.Tensor {
  const outside = tf.lessEqual(p.alpha, 1);
  const m = paretoMoments(p, outside);
  const a = q.concentration;
  const cross = tf.add(
    tf.sub(lgamma(a), tf.mul(a, tf.log(q.rate))),
    tf.sub(tf.mul(q.rate, m.mean), tf.mul(tf.sub(a, 1), m.meanLog)),
  );
  return infiniteWhere(outside, tf.add(m.negEntropy, cross));
}

// ---------------------------------------------------------------------------------------------
// q Pareto

/**
 * KL(U(l, h) ‖ Pareto(x, α)) = −log(h − l) − log α − α log x + (α + 1)E[log X] where l ≥ x,
 * +∞ where l < x (torch `_kl_uniform_pareto`); E[log X] by the midpoint expansion.
 */
export function klUniformPareto(p: Uniform, q: Pareto): tf.Tensor {
  const outside = tf.less(p.low, q.scale);
  const low = sanitize(outside, p.low, 2);
  const high = sanitize(outside, p.high, 3);
  const xq = sanitize(outside, q.scale, 1);
  const logQNorm = tf.add(tf.log(q.alpha), tf.mul(q.alpha, tf.log(xq)));
  const value = tf.sub(
    tf.mul(tf.add(q.alpha, 1), uniformMeanLog(low, high)),
    tf.add(tf.log(tf.sub(high, low)), logQNorm),
  );
  return infiniteWhere(outside, value);
}

// ---------------------------------------------------------------------------------------------
// Discrete

/**
 * KL(Pois(λ) ‖ Bin(n, p)) = +∞ for λ > 0 (Poisson puts mass above n; torch
 * `_kl_poisson_infinity`). A rate of 0 (with `validateArgs: false`) is the point mass at 0, where
 * KL = −n log(1 − p) = n softplus(logit p); torch gives +∞ there too.
 */
export function klPoissonBinomial(p: Poisson, q: Binomial): tf.Tensor {
  return infiniteWhere(tf.greater(p.rate, 0), tf.mul(q.totalCount, softplus(q.logits)));
}
