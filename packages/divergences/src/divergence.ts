import {
  assertFiniteNumber,
  assertKnownOptions,
  assertOneOf,
  type Distribution,
  invalidArgument,
  type Rng,
} from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';
import { closedFormDivergence, hasClosedForm } from './closed-form.js';
import { exactDivergenceOfVectors } from './exact.js';
import { monteCarloDivergence } from './monte-carlo.js';
import { type DivergenceName, divergenceNames } from './names.js';
import { isDistributionPair } from './pair-kind.js';
import { pointwiseSpec } from './pointwise-terms.js';
import type { ProbabilityVector } from './probability-vector.js';
import { quadratureDivergence } from './quadrature.js';
import type { QuadratureRange } from './quadrature-grid.js';

export type DivergenceMethod = 'auto' | 'exact' | 'closed-form' | 'monte-carlo' | 'quadrature';

export interface DivergenceOptions {
  /** α of the 'alpha' divergence (any finite number; 1 is KL, 0 reverse KL). */
  alpha?: number;
  /**
   * 'auto' (default): exact for probability vectors; for distributions the closed form where
   * there is one (see {@link divergence}), else Monte Carlo (needs `rng`).
   */
  method?: DivergenceMethod;
  /** Monte Carlo: draws from each distribution (default 1000). */
  samples?: number;
  /** Monte Carlo: the random source. */
  rng?: Rng;
  /**
   * Quadrature: the interval, or for event shape [2] the box [[a₁, b₁], [a₂, b₂]] (an interval
   * serves both axes); default mean ∓ 12σ of both, per axis.
   */
  range?: QuadratureRange;
  /** Quadrature: odd number of Simpson nodes, per axis in 2-D (default 2001; 201 in 2-D). */
  points?: number;
  /** Check probability vectors (non-negative, summing to 1) by reading them (default true). */
  validateArgs?: boolean;
}

const OPTIONS = ['alpha', 'method', 'samples', 'rng', 'range', 'points', 'validateArgs'] as const;
const METHODS = ['auto', 'exact', 'closed-form', 'monte-carlo', 'quadrature'] as const;

/** Validates name and options; returns α (undefined unless name is 'alpha'). */
export function resolveAlpha(
  fn: string,
  name: unknown,
  options: { alpha?: number },
): number | undefined {
  assertOneOf(fn, 'name', name, divergenceNames);
  if (name !== 'alpha') {
    if (options.alpha !== undefined) {
      throw invalidArgument(fn, 'alpha', options.alpha, "is only used with name 'alpha'");
    }
    return undefined;
  }
  assertFiniteNumber(fn, 'alpha', options.alpha);
  return options.alpha;
}

/**
 * The divergence `name` between P and Q, in nats (conventions: {@link divergenceNames}).
 *
 * - Probability vectors (arrays or tensors, along the last axis, batched over leading axes that
 *   broadcast): the exact sum Σ q f(p/q), zeros by their limits (0·log 0 = 0; kl is +∞ where
 *   p > 0 = q). Unnormalised or negative vectors throw an InvalidArgumentError naming the
 *   argument and the offending sum or entry. Shape: the batch shape (a scalar for vectors).
 * - Distributions: `method` 'closed-form' (kl, reverse-kl, jeffreys via the KL registry;
 *   squared-hellinger and alpha between two Normals or two MultivariateNormals, +∞ for alpha
 *   where the α-mixed covariance is not positive definite; total-variation erf(|Δμ|/(2√2σ))
 *   between Normals of equal scale), 'quadrature' (event shape [] or [2], differentiable in the
 *   parameters) or 'monte-carlo' (the value of {@link divergenceEstimate}; use that to get the
 *   standard error too). 'auto' takes the closed form where there is one.
 *
 * Always returns a tensor the caller owns, differentiable with respect to tensor inputs.
 *
 * ```ts
 * divergence('kl', [0.2, 0.5, 0.3], [0.1, 0.3, 0.6]);                  // 0.186098
 * divergence('js', new Normal({ loc: 0, scale: 1 }), new Normal({ loc: 1, scale: 1 }),
 *   { method: 'quadrature' });                                          // 0.111421
 * ```
 */
export function divergence(
  name: DivergenceName,
  p: ProbabilityVector | Distribution,
  q: ProbabilityVector | Distribution,
  options: DivergenceOptions = {},
): tf.Tensor {
  const fn = 'divergence';
  assertKnownOptions(fn, options, OPTIONS);
  const alpha = resolveAlpha(fn, name, options);
  const method = options.method ?? 'auto';
  assertOneOf(fn, 'method', method, METHODS);
  const spec = pointwiseSpec(name, alpha);
  if (!isDistributionPair(fn, p, q, method)) {
    return exactDivergenceOfVectors(
      fn,
      spec,
      p as ProbabilityVector,
      q as ProbabilityVector,
      options.validateArgs ?? true,
    );
  }
  const pd = p as Distribution;
  const qd = q as Distribution;
  let chosen = method;
  if (chosen === 'auto')
    chosen = hasClosedForm(name, alpha, pd, qd) ? 'closed-form' : 'monte-carlo';
  if (chosen === 'exact') {
    throw invalidArgument(fn, 'method', method, 'is for probability vectors, not Distributions');
  }
  if (chosen === 'closed-form') return closedFormDivergence(fn, name, alpha, pd, qd);
  if (chosen === 'quadrature') {
    return quadratureDivergence(fn, spec, pd, qd, {
      ...(options.range !== undefined && { range: options.range }),
      ...(options.points !== undefined && { points: options.points }),
    });
  }
  const estimate = monteCarloDivergence(fn, spec, pd, qd, options);
  estimate.standardError.dispose();
  return estimate.value;
}
