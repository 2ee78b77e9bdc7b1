import { Bernoulli } from '../bernoulli.js';
import { Beta } from '../beta.js';
import { Binomial } from '../binomial.js';
import { Categorical } from '../categorical.js';
import { Cauchy } from '../cauchy.js';
import { Dirichlet } from '../dirichlet.js';
import { Exponential } from '../exponential.js';
import { Gamma } from '../gamma.js';
import { Geometric } from '../geometric.js';
import { Gumbel } from '../gumbel.js';
import { HalfNormal } from '../half-normal.js';
import { Independent } from '../independent.js';
import { Laplace } from '../laplace.js';
import { LowRankMultivariateNormal } from '../low-rank-multivariate-normal.js';
import { MultivariateNormal } from '../multivariate-normal.js';
import { Normal } from '../normal.js';
import { OneHotCategorical } from '../one-hot-categorical.js';
import { Pareto } from '../pareto.js';
import { Poisson } from '../poisson.js';
import { Uniform } from '../uniform.js';
import {
  klBetaBeta,
  klExponentialExponential,
  klGammaGamma,
  klLaplaceLaplace,
  klUniformUniform,
} from './continuous.js';
import {
  klBernoulliPoisson,
  klBetaGamma,
  klBetaUniform,
  klExponentialGamma,
  klInfinite,
  klNormalLaplace,
  klPoissonBernoulli,
  klToExponential,
  klToNormal,
  klUniformBeta,
  klUniformExponential,
  klUniformGamma,
} from './cross.js';
import { klBernoulliBernoulli, klCategoricalCategorical, klPoissonPoisson } from './discrete.js';
import { klMultivariateNormal, klNormalNormal } from './gaussian.js';
import { klIndependentIndependent } from './independent.js';
import { addKl, type DistributionClass, type KlFunction } from './registry.js';
import {
  klBinomialBinomial,
  klCauchyCauchy,
  klDirichletDirichlet,
  klExponentialGumbel,
  klGammaGumbel,
  klGaussianLowRank,
  klGeometricGeometric,
  klGumbelGumbel,
  klGumbelNormal,
  klHalfNormalHalfNormal,
  klNormalGumbel,
  klOneHotCategorical,
  klParetoExponential,
  klParetoGamma,
  klParetoNormal,
  klParetoPareto,
  klPoissonBinomial,
  klUniformGumbel,
  klUniformPareto,
} from './zoo.js';

let registered = false;

/**
 * Registers the built-in closed forms, once. Called by `kl`, `hasKl` and `registerKl` rather
 * than at import time: the package is `sideEffects: false`, so a bundler may drop a module that
 * registers on import, and registering before any user pair lets a user's pair override a
 * built-in one.
 */
export function ensureBuiltinKls(): void {
  if (registered) return;
  registered = true;
  const pairs: [DistributionClass, KlFunction][] = [
    [Normal, klNormalNormal as KlFunction],
    [MultivariateNormal, klMultivariateNormal as KlFunction],
    [Bernoulli, klBernoulliBernoulli as KlFunction],
    [Categorical, klCategoricalCategorical as KlFunction],
    [Exponential, klExponentialExponential as KlFunction],
    [Gamma, klGammaGamma as KlFunction],
    [Poisson, klPoissonPoisson as KlFunction],
    [Uniform, klUniformUniform as KlFunction],
    [Laplace, klLaplaceLaplace as KlFunction],
    [Beta, klBetaBeta as KlFunction],
    [Independent, klIndependentIndependent as KlFunction],
    // The zoo (zoo.ts): the same-family pairs torch registers for the newer families.
    [Binomial, klBinomialBinomial as KlFunction],
    [Cauchy, klCauchyCauchy as KlFunction],
    [Dirichlet, klDirichletDirichlet as KlFunction],
    [Geometric, klGeometricGeometric as KlFunction],
    [Gumbel, klGumbelGumbel as KlFunction],
    [HalfNormal, klHalfNormalHalfNormal as KlFunction],
    [LowRankMultivariateNormal, klGaussianLowRank as KlFunction],
    [OneHotCategorical, klOneHotCategorical as KlFunction],
    [Pareto, klParetoPareto as KlFunction],
  ];
  for (const [family, fn] of pairs) addKl(family, family, fn);
  for (const [p, q, fn] of crossPairs()) addKl(p, q, fn);
}

/**
 * The pairs across families that torch registers (torch/distributions/kl.py) among the families
 * of this package, in torch's order. `klInfinite`: the support of p is never inside q's.
 */
function crossPairs(): [DistributionClass, DistributionClass, KlFunction][] {
  const f = (fn: unknown) => fn as KlFunction;
  return [
    [Bernoulli, Poisson, f(klBernoulliPoisson)],
    [Beta, Exponential, f(klToExponential)],
    [Beta, Gamma, f(klBetaGamma)],
    [Beta, Normal, f(klToNormal)],
    [Beta, Uniform, f(klBetaUniform)],
    [Exponential, Beta, klInfinite],
    [Exponential, Uniform, klInfinite],
    [Exponential, Gamma, f(klExponentialGamma)],
    [Exponential, Normal, f(klToNormal)],
    [Gamma, Beta, klInfinite],
    [Gamma, Uniform, klInfinite],
    [Gamma, Exponential, f(klToExponential)],
    [Gamma, Normal, f(klToNormal)],
    [Laplace, Beta, klInfinite],
    [Laplace, Exponential, klInfinite],
    [Laplace, Gamma, klInfinite],
    [Laplace, Uniform, klInfinite],
    [Laplace, Normal, f(klToNormal)],
    [Normal, Beta, klInfinite],
    [Normal, Exponential, klInfinite],
    [Normal, Gamma, klInfinite],
    [Normal, Uniform, klInfinite],
    [Normal, Laplace, f(klNormalLaplace)],
    [Poisson, Bernoulli, f(klPoissonBernoulli)],
    [Uniform, Beta, f(klUniformBeta)],
    [Uniform, Exponential, f(klUniformExponential)],
    [Uniform, Gamma, f(klUniformGamma)],
    [Uniform, Normal, f(klToNormal)],
    // The zoo (zoo.ts), in torch's order.
    [Beta, Pareto, klInfinite],
    [Exponential, Pareto, klInfinite],
    [Exponential, Gumbel, f(klExponentialGumbel)],
    [Gamma, Pareto, klInfinite],
    [Gamma, Gumbel, f(klGammaGumbel)],
    [Gumbel, Beta, klInfinite],
    [Gumbel, Exponential, klInfinite],
    [Gumbel, Gamma, klInfinite],
    [Gumbel, Pareto, klInfinite],
    [Gumbel, Uniform, klInfinite],
    [Gumbel, Normal, f(klGumbelNormal)],
    [Laplace, Pareto, klInfinite],
    [LowRankMultivariateNormal, MultivariateNormal, f(klGaussianLowRank)],
    [MultivariateNormal, LowRankMultivariateNormal, f(klGaussianLowRank)],
    [Normal, Pareto, klInfinite],
    [Normal, Gumbel, f(klNormalGumbel)],
    [Pareto, Beta, klInfinite],
    [Pareto, Uniform, klInfinite],
    [Pareto, Exponential, f(klParetoExponential)],
    [Pareto, Gamma, f(klParetoGamma)],
    [Pareto, Normal, f(klParetoNormal)],
    [Poisson, Binomial, f(klPoissonBinomial)],
    [Uniform, Gumbel, f(klUniformGumbel)],
    [Uniform, Pareto, f(klUniformPareto)],
  ];
}
