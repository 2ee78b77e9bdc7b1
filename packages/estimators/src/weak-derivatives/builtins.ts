import {
  Bernoulli,
  Beta,
  Categorical,
  Exponential,
  Gamma,
  MultivariateNormal,
  Normal,
  Poisson,
  Weibull,
} from '@gen/distributions';
import { exponentialRate, gammaRate, normalLoc, normalScale, weibullScale } from './continuous.js';
import {
  bernoulliLogits,
  bernoulliProbs,
  categoricalLogits,
  categoricalProbs,
  poissonRate,
} from './discrete.js';
import { multivariateNormalLoc, multivariateNormalScaleTril } from './multivariate.js';
import { addWeakDerivative } from './registry.js';
import { betaA, betaB, gammaConcentration, weibullShape } from './shape.js';

let installed = false;

/**
 * Registers the weak-derivative table of Mohamed et al. (2020, Table 1), and the entries
 * beyond it, once, before the first
 * lookup or user registration (so user entries for a built-in pair override it). Lazy, so that
 * the package stays free of import-time side effects.
 */
export function ensureBuiltinWeakDerivatives(): void {
  if (installed) return;
  installed = true;
  const add = addWeakDerivative;
  add(Normal, 'loc', normalLoc);
  add(Normal, 'scale', normalScale);
  add(Bernoulli, 'probs', bernoulliProbs);
  add(Bernoulli, 'logits', bernoulliLogits);
  add(Poisson, 'rate', poissonRate);
  add(Exponential, 'rate', exponentialRate);
  add(Gamma, 'rate', gammaRate);
  add(Weibull, 'scale', weibullScale);
  // Beyond the table (docs/references.md#weak-derivatives): shape parameters by their
  // Hahn–Jordan parts, the full-covariance Gaussian in its whitened coordinates.
  add(Gamma, 'concentration', gammaConcentration);
  add(Weibull, 'shape', weibullShape);
  add(Beta, 'a', betaA);
  add(Beta, 'b', betaB);
  add(MultivariateNormal, 'loc', multivariateNormalLoc);
  add(MultivariateNormal, 'scaleTril', multivariateNormalScaleTril);
  add(Categorical, 'logits', categoricalLogits);
  add(Categorical, 'probs', categoricalProbs);
}
