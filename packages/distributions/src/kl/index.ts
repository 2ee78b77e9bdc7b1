// Barrel of the KL registry.
export { hasKl, kl, registerKl } from './kl.js';
export { type KlMonteCarloResult, type KlOptions, klMonteCarlo } from './monte-carlo.js';
export type { DistributionClass, KlFunction } from './registry.js';
