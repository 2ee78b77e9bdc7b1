// Barrel of the discrete and composite families and TransformedDistribution.
export { Bernoulli, type BernoulliParams } from './bernoulli.js';
export { Categorical, type CategoricalParams } from './categorical.js';
export { Independent, isIndependent } from './independent.js';
export { type LogitsOrProbs, pickLogitsOrProbs } from './logits-or-probs.js';
export { Mixture, type MixtureParams } from './mixture.js';
export { Poisson, type PoissonParams } from './poisson.js';
export {
  TransformedDistribution,
  type TransformedDistributionParams,
} from './transformed-distribution.js';
