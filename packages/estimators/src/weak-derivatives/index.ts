import { type Distribution, formatValue, InvalidArgumentError } from '@gen/core';
import { ensureBuiltinWeakDerivatives } from './builtins.js';
import {
  addWeakDerivative,
  assertFamily,
  type DistributionClass,
  lookupWeakDerivative,
  registeredParams,
  type WeakDerivative,
} from './registry.js';

export type {
  DistributionClass,
  WeakDerivative,
  WeakDerivativeContext,
  WeakDerivativeDraws,
} from './registry.js';

/**
 * Registers the weak derivative of parameter `param` of `Family` (subclasses included) for
 * {@link measureValued}, replacing an earlier entry (built-in ones included). Built in (Mohamed
 * et al. 2020, Table 1): Normal `loc` and `scale`, Bernoulli `probs` and `logits`, Poisson
 * `rate`, Exponential `rate`, Gamma `rate`, Weibull `scale`, Categorical `logits` and `probs`;
 * beyond it: Gamma `concentration` (and so Chi2), Weibull `shape`, Beta `a` and `b`,
 * MultivariateNormal `loc` and `scaleTril` (docs/references.md#weak-derivatives).
 *
 * The families of @gen/distributions are matched by their `Symbol.for` brand, so a
 * distribution made by another installed copy of @gen/distributions finds the same entries; a
 * class without a brand (your own) matches itself and its subclasses, the nearest registered
 * class on the prototype chain winning.
 *
 * ```ts
 * // Uniform(a, b), upper end: ∂E/∂b = (f(b) − E[f])/(b − a), so c = 1/(b − a), p⁺ = δ_b, p⁻ = p.
 * registerWeakDerivative(Uniform, 'high', ({ dist, base }) => ({
 *   positive: tf.expandDims(tf.broadcastTo(dist.high, base.shape), 0),
 *   constant: tf.reciprocal(tf.sub(dist.high, dist.low)),
 * }));
 * ```
 */
export function registerWeakDerivative<D extends Distribution>(
  Family: DistributionClass<D>,
  param: string,
  entry: WeakDerivative<D>,
): void {
  assertFamily('registerWeakDerivative', Family);
  if (typeof param !== 'string' || param === '') {
    throw new InvalidArgumentError(
      `registerWeakDerivative: argument 'param' must be a parameter name, got ${formatValue(param)}`,
    );
  }
  if (typeof entry !== 'function') {
    throw new InvalidArgumentError(
      `registerWeakDerivative: argument 'entry' must be a function (context) => { positive, negative, constant }, got ${formatValue(entry)}`,
    );
  }
  ensureBuiltinWeakDerivatives();
  addWeakDerivative(Family, param, entry);
}

/** The registered weak derivative of `param` for `dist`'s family, or null. */
export function weakDerivativeOf(dist: Distribution, param: string): WeakDerivative | null {
  ensureBuiltinWeakDerivatives();
  return lookupWeakDerivative(Object.getPrototypeOf(dist) as object, param);
}

/** Whether `param` of `dist` (an instance or a class) has a registered weak derivative. */
export function hasWeakDerivative(dist: Distribution | DistributionClass, param: string): boolean {
  ensureBuiltinWeakDerivatives();
  const proto =
    typeof dist === 'function'
      ? (dist as DistributionClass).prototype
      : (Object.getPrototypeOf(dist) as object);
  return lookupWeakDerivative(proto as object, param) !== null;
}

/** Parameter names of `dist`'s family that have weak derivatives (for messages). */
export function weakDerivativeParams(dist: Distribution): string[] {
  ensureBuiltinWeakDerivatives();
  return registeredParams(Object.getPrototypeOf(dist) as object);
}
