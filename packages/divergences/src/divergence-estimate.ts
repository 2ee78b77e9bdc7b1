import {
  assertDistribution,
  assertKnownOptions,
  type Distribution,
  invalidArgument,
  type Rng,
} from '@gen/core';
import { resolveAlpha } from './divergence.js';
import { type DivergenceEstimate, monteCarloDivergence } from './monte-carlo.js';
import type { DivergenceName } from './names.js';
import { pointwiseSpec } from './pointwise-terms.js';

export interface DivergenceEstimateOptions {
  /** The random source (required). */
  rng: Rng;
  /** Draws from each of P and Q (default 1000). */
  samples?: number;
  /** α of the 'alpha' divergence. */
  alpha?: number;
}

/**
 * Monte Carlo estimate of D_f(P‖Q) with its standard error, from `samples` draws of each
 * distribution: D_f = ∫ m h with m = (P+Q)/2 and h = q f(p/q)/m, estimated by
 * ½(mean_P h + mean_Q h), standard error ½√(s²_P/n + s²_Q/n). Reparameterised draws where the
 * family has `rsample`, so `value` is a pathwise-differentiable estimate. Both tensors have
 * the broadcast batch shape; the caller owns them.
 *
 * ```ts
 * const { value, standardError } = divergenceEstimate('js', mixture, normal,
 *   { samples: 10000, rng: Rng.fromSeed(0) });
 * ```
 */
export function divergenceEstimate(
  name: DivergenceName,
  p: Distribution,
  q: Distribution,
  options: DivergenceEstimateOptions,
): DivergenceEstimate {
  const fn = 'divergenceEstimate';
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument(fn, 'options', options, 'must be an object with an Rng under rng');
  }
  assertKnownOptions(fn, options, ['rng', 'samples', 'alpha']);
  const alpha = resolveAlpha(fn, name, options);
  assertDistribution(fn, 'p', p);
  assertDistribution(fn, 'q', q);
  return monteCarloDivergence(fn, pointwiseSpec(name, alpha), p, q, options);
}
