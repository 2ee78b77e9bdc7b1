import {
  Bernoulli,
  Categorical,
  Exponential,
  Gamma,
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
import { addWeakDerivative } from './registry.js';

let installed = false;

/**
 * Registers the weak-derivative table of Mohamed et al. (2020, Table 1) once, before the first
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
  add(Categorical, 'logits', categoricalLogits);
  add(Categorical, 'probs', categoricalProbs);
}
