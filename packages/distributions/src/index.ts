/**
 * Probability distributions: batched families with `sample`/`rsample`/`logProb`/`entropy`,
 * bijectors, `TransformedDistribution` and the KL registry of closed forms.
 *
 * @packageDocumentation
 * @module @gen/distributions
 */
export * from './bijectors/index.js';
export * from './continuous-families.js';
export * from './discrete-families.js';
export { BaseDistribution, type DistributionOptions } from './distribution.js';
export * from './kl/index.js';
export type { ParamLike } from './param.js';
export {
  betainc,
  betaincinv,
  igamma,
  igammac,
  igammaGradA,
  igammainv,
  ndtri,
} from './special.js';
export { type Constraint, defaultValidation, setDefaultValidation } from './validation.js';
