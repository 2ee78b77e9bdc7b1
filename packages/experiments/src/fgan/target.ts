import { invalidArgument } from '@gen/core';
import { Mixture, Normal } from '@gen/distributions';
import { assertOptions } from './checks.js';
import type { GaussianFit } from './names.js';

/** A mixture of 1-D Gaussians: weights (summing to 1), means and standard deviations. */
export interface MixtureSpec {
  weights: readonly number[];
  means: readonly number[];
  scales: readonly number[];
}

/**
 * The f-GAN experiment's target, "approximate a mixture of Gaussians by a single Gaussian"
 * (Nowozin et al. 2016, §4). The paper's mixture is not published, so this
 * one is ours: P = 0.5 N(−2, 0.7²) + 0.3 N(1.5, 0.8²) + 0.2 N(4, 1²), three well-separated,
 * unequal modes, so that the five optima differ (μ* from −0.07 to 1.03, σ* from 2.20 to 2.65).
 */
export const FGAN_MIXTURE: Readonly<MixtureSpec> = Object.freeze({
  weights: Object.freeze([0.5, 0.3, 0.2]),
  means: Object.freeze([-2, 1.5, 4]),
  scales: Object.freeze([0.7, 0.8, 1]),
});

function checkSpec(fn: string, spec: MixtureSpec): void {
  if (spec === null || typeof spec !== 'object') {
    throw invalidArgument(fn, 'spec', spec, 'must be { weights, means, scales }');
  }
  assertOptions(fn, spec, ['weights', 'means', 'scales'], 'spec');
  const { weights, means, scales } = spec;
  const k = Array.isArray(weights) ? weights.length : -1;
  for (const [arg, values] of [
    ['weights', weights],
    ['means', means],
    ['scales', scales],
  ] as const) {
    if (!Array.isArray(values) || values.length !== k || k === 0) {
      throw invalidArgument(fn, `spec.${arg}`, values, `must be an array of ${k} numbers`);
    }
    if (!values.every((v) => Number.isFinite(v))) {
      throw invalidArgument(fn, `spec.${arg}`, values, 'must hold finite numbers');
    }
  }
  if (!scales.every((s) => s > 0)) {
    throw invalidArgument(fn, 'spec.scales', scales, 'must be positive');
  }
  const total = weights.reduce((s, w) => s + w, 0);
  if (!weights.every((w) => w >= 0) || Math.abs(total - 1) > 1e-6) {
    throw invalidArgument(fn, 'spec.weights', weights, 'must be non-negative and sum to 1');
  }
}

/**
 * The mixture `spec` (default {@link FGAN_MIXTURE}) as a `Mixture` of `@gen/distributions`; the
 * caller disposes it.
 */
export function mixtureOf(spec: MixtureSpec = FGAN_MIXTURE): Mixture {
  checkSpec('mixtureOf', spec);
  return new Mixture({
    probs: [...spec.weights],
    components: new Normal({ loc: [...spec.means], scale: [...spec.scales] }),
  });
}

/**
 * The moment-matching Gaussian of the mixture `spec` (default {@link FGAN_MIXTURE}): μ* = Σ wₖmₖ,
 * σ*² = Σ wₖ(sₖ² + mₖ²) − μ*², which minimises KL(P‖N(μ, σ²)) (moment matching).
 */
export function momentMatch(spec: MixtureSpec = FGAN_MIXTURE): GaussianFit {
  checkSpec('momentMatch', spec);
  const { weights, means, scales } = spec;
  const mu = weights.reduce((s, w, k) => s + w * means[k]!, 0);
  const second = weights.reduce((s, w, k) => s + w * (scales[k]! ** 2 + means[k]! ** 2), 0);
  return { mu, sigma: Math.sqrt(second - mu * mu) };
}
