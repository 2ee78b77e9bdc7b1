import { assertInteger, invalidArgument } from '@gen/core';
import { MAX_DRAWS } from './validate.js';

/**
 * What `Vae.loss` minimises: `'elbo'`, the negative (β-weighted) ELBO, or `{ iwae: k }`, the
 * negative importance-weighted bound of Burda et al. (2016) with k importance samples per
 * example, log (1/k) Σᵢ p(x|zᵢ) (p(zᵢ)/q(zᵢ|x))^β, its gradient taken through the
 * reparameterised draws zᵢ (for k = 1 and β = 1 it is the ELBO with Monte Carlo KL).
 */
export type Objective = 'elbo' | { iwae: number };

/** Validates `objective` under `fn`; returns a copy. */
export function parseObjective(fn: string, objective: unknown): Objective {
  if (objective === 'elbo') return objective;
  if (typeof objective === 'object' && objective !== null && !Array.isArray(objective)) {
    const keys = Object.keys(objective);
    if (keys.length === 1 && keys[0] === 'iwae') {
      const k = (objective as { iwae: unknown }).iwae;
      assertInteger(fn, 'objective.iwae', k, 1, MAX_DRAWS);
      return { iwae: k };
    }
  }
  throw invalidArgument(fn, 'objective', objective, "must be 'elbo' or { iwae: k } with k >= 1");
}

/**
 * Throws unless `estimator` (left out, or a `GradientEstimator`) can train `objective`: the IWAE
 * objective differentiates through reparameterised draws, so it takes only `pathwise()`.
 */
export function assertObjectiveEstimator(
  fn: string,
  objective: Objective,
  estimator: unknown,
): void {
  if (objective === 'elbo' || estimator === undefined) return;
  if ((estimator as { name?: unknown } | null)?.name !== 'pathwise') {
    throw invalidArgument(
      fn,
      'estimator',
      estimator,
      'must be pathwise() (or left out) with objective { iwae }: the IWAE gradient flows through reparameterised draws',
    );
  }
}
