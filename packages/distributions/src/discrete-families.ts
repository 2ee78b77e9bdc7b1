// Barrel of the discrete and composite families and TransformedDistribution.
export { Bernoulli, type BernoulliParams } from './bernoulli.js';
export { Binomial, type BinomialParams } from './binomial.js';
export { Categorical, type CategoricalParams } from './categorical.js';
export { Geometric, type GeometricParams } from './geometric.js';
export { Independent, isIndependent } from './independent.js';
export { type LogitsOrProbs, pickLogitsOrProbs } from './logits-or-probs.js';
export { Mixture, type MixtureParams } from './mixture.js';
export { Multinomial, type MultinomialParams } from './multinomial.js';
export { NegativeBinomial, type NegativeBinomialParams } from './negative-binomial.js';
export { OneHotCategorical, type OneHotCategoricalParams } from './one-hot-categorical.js';
export { Poisson, type PoissonParams } from './poisson.js';
export {
  TransformedDistribution,
  type TransformedDistributionParams,
} from './transformed-distribution.js';
