import {
  assertKnownOptions,
  assertOneOf,
  type Distribution,
  invalidArgument,
  NotImplementedError,
  type Rng,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { className } from '../class-name.js';
import { closedFormDivergence, hasClosedForm } from '../closed-form.js';
import { exactDivergenceOfVectors } from '../exact.js';
import { monteCarloDivergence } from '../monte-carlo.js';
import { isDistributionPair } from '../pair-kind.js';
import { pointwiseSpec } from '../pointwise-terms.js';
import type { ProbabilityVector } from '../probability-vector.js';
import { quadratureDivergence } from '../quadrature.js';
import type { QuadratureRange } from '../quadrature-grid.js';
import { gaussianLogAffinity, gaussianPair } from './gaussian-affinity.js';

export interface RenyiDivergenceOptions {
  /** The order α > 0 (required); α = 1 is the limit, KL(P‖Q). */
  order: number;
  /**
   * 'auto' (default): exact for probability vectors; for distributions the closed form between
   * two Normals or two MultivariateNormals (and KL through the registry at α = 1), else Monte
   * Carlo (needs `rng`). 'quadrature' integrates densities of event shape [] or [2].
   */
  method?: 'auto' | 'exact' | 'closed-form' | 'monte-carlo' | 'quadrature';
  /** Monte Carlo: draws from each distribution (default 1000). */
  samples?: number;
  /** Monte Carlo: the random source. */
  rng?: Rng;
  /** Quadrature: the interval (1-D) or box (2-D); see `divergence`. */
  range?: QuadratureRange;
  /** Quadrature: odd number of Simpson nodes (per axis in 2-D). */
  points?: number;
  /** Check probability vectors (non-negative, summing to 1) by reading them (default true). */
  validateArgs?: boolean;
}

const OPTIONS = ['order', 'method', 'samples', 'rng', 'range', 'points', 'validateArgs'] as const;
const METHODS = ['auto', 'exact', 'closed-form', 'monte-carlo', 'quadrature'] as const;

/**
 * D_α from the α-divergence A = ∫q f_α(p/q): ∫p^α q^{1−α} = 1 + α(α−1)A, so
 * D_α = log1p(α(α−1)A)/(α−1). A is summed without cancellation near p = q, so this keeps the
 * relative accuracy of small divergences that log(∫p^α q^{1−α}) would lose.
 */
function renyiFromAlpha(a: tf.Tensor, alpha: number): tf.Tensor {
  return tf.tidy(() => tf.div(tf.log1p(tf.maximum(tf.mul(alpha * (alpha - 1), a), -1)), alpha - 1));
}

/**
 * The Rényi divergence of order α, D_α(P‖Q) = log(Σ p^α q^{1−α})/(α−1) in nats (an integral for
 * densities), for α > 0; α = 1 is its limit KL(P‖Q). It grows with α; D_½ = −2 log BC, twice
 * the Bhattacharyya distance (BC = Σ√(pq) = 1 − H²/2 with `divergence('squared-hellinger')`'s
 * H²), and D_2 = log(1 + χ²) with `divergence('pearson')`'s χ².
 *
 * - Probability vectors (arrays or tensors, last axis, batched): exact; +∞ where α > 1 and some
 *   p > 0 = q, or where the supports are disjoint.
 * - Two `Normal`s or two `MultivariateNormal`s: closed form, with Σ_α = αΣ_q + (1−α)Σ_p,
 *   D_α = (α/2)ΔᵀΣ_α⁻¹Δ − (log|Σ_α| − (1−α)log|Σ_p| − α log|Σ_q|)/(2(α−1)). For α > 1, Σ_α
 *   need not be positive definite; the integral then diverges and the value is +∞ (no error).
 * - Other distributions: Monte Carlo (`samples`, `rng`; the log of an unbiased estimate of
 *   Σ p^α q^{1−α}, so slightly biased) or `method: 'quadrature'` (event shape [] or [2]).
 *
 * Returns a tensor of the broadcast batch shape that the caller owns, differentiable with
 * respect to tensor inputs and distribution parameters where finite.
 *
 * ```ts
 * renyiDivergence([0.2, 0.5, 0.3], [0.1, 0.3, 0.6], { order: 2 });  // log(1 + χ²)
 * renyiDivergence(new Normal({ loc: 0, scale: 1 }), new Normal({ loc: 1, scale: 2 }),
 *   { order: 0.5 });                                                 // 0.323144
 * ```
 */
export function renyiDivergence(
  p: ProbabilityVector | Distribution,
  q: ProbabilityVector | Distribution,
  options: RenyiDivergenceOptions,
): tf.Tensor {
  const fn = 'renyiDivergence';
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument(fn, 'options', options, 'must be an object with the order α > 0');
  }
  assertKnownOptions(fn, options, OPTIONS);
  const alpha = options.order;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || !(alpha > 0)) {
    throw invalidArgument(fn, 'order', alpha, 'must be a finite number > 0');
  }
  const method = options.method ?? 'auto';
  assertOneOf(fn, 'method', method, METHODS);
  const spec = pointwiseSpec('alpha', alpha);
  const finish = (a: tf.Tensor) => {
    if (alpha === 1) return a;
    const out = renyiFromAlpha(a, alpha);
    a.dispose();
    return out;
  };
  if (!isDistributionPair(fn, p, q, method)) {
    const a = exactDivergenceOfVectors(
      fn,
      spec,
      p as ProbabilityVector,
      q as ProbabilityVector,
      options.validateArgs ?? true,
    );
    return finish(a);
  }
  const pd = p as Distribution;
  const qd = q as Distribution;
  const closed =
    alpha === 1 ? hasClosedForm('kl', undefined, pd, qd) : gaussianPair(pd, qd) !== undefined;
  let chosen = method;
  if (chosen === 'auto') chosen = closed ? 'closed-form' : 'monte-carlo';
  if (chosen === 'exact') {
    throw invalidArgument(fn, 'method', method, 'is for probability vectors, not Distributions');
  }
  if (chosen === 'closed-form') {
    if (!closed) {
      throw new NotImplementedError(
        `${fn}: no closed form between ${className(pd)} and ${className(qd)} (closed forms: two Normals or two MultivariateNormals; at order 1 the KL registry); use method 'monte-carlo' (with options.rng) or 'quadrature'`,
      );
    }
    if (alpha === 1) return closedFormDivergence(fn, 'kl', undefined, pd, qd);
    return tf.tidy(() => tf.relu(tf.div(gaussianLogAffinity(fn, pd, qd, alpha), alpha - 1)));
  }
  if (chosen === 'quadrature') {
    return finish(
      quadratureDivergence(fn, spec, pd, qd, {
        ...(options.range !== undefined && { range: options.range }),
        ...(options.points !== undefined && { points: options.points }),
      }),
    );
  }
  const estimate = monteCarloDivergence(fn, spec, pd, qd, options);
  estimate.standardError.dispose();
  return finish(estimate.value);
}
