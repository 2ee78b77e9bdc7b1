// Barrel of the KL registry.
export { hasKl, kl, registerKl } from './kl.js';
export type { DistributionClass, KlFunction } from './registry.js';
