import {
  classKeys,
  type Distribution,
  formatValue,
  InvalidArgumentError,
  type Rng,
} from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';

/** A distribution class as the registry sees it (abstract or protected constructors too). */
export interface DistributionClass<T extends Distribution = Distribution> {
  readonly prototype: T;
  readonly name: string;
}

/** What a {@link WeakDerivative} receives. */
export interface WeakDerivativeContext<D extends Distribution = Distribution> {
  /** The distribution (the base family when the estimator unwrapped an `Independent`). */
  dist: D;
  /** n draws x ∼ p, `[n, ...batch, ...event]`, shared by every parameter and the value. */
  base: tf.Tensor;
  rng: Rng;
  /** Couple p⁺ and p⁻ by common random numbers (true) or draw them independently. */
  coupling: boolean;
}

/**
 * The weak derivative ∂θ p(x; θ) = c_θ (p⁺(x; θ) − p⁻(x; θ)) of one parameter, as draws (the
 * estimator detaches them and the constant from the gradient tape, so entries need no
 * `stopGradient`):
 * - `positive`, `negative`: n draws of p⁺ and p⁻ per slot, `[slots, n, ...batch, ...event]`
 *   (slots = 1 for an elementwise parameter, K for a parameter with a trailing axis of K entries
 *   such as Categorical logits, where slot j belongs to entry j); omit one to mean "p itself":
 *   the estimator then uses the shared draws `base`.
 * - `constant`: c_θ in the parameter's own shape (`[...batch]` or `[...batch, slots]`),
 *   including the chain rule from the table's parameter to the one the distribution holds
 *   (e.g. dp/dlogit = p(1 − p)); it may be negative.
 * Then ∂/∂θ E_p[f] = c_θ (E_{p⁺}[f] − E_{p⁻}[f]) for each parameter entry.
 */
export interface WeakDerivativeDraws {
  positive?: tf.Tensor;
  negative?: tf.Tensor;
  constant: tf.Tensor;
  /**
   * For a weak derivative taken in other coordinates than the parameter's own (a
   * full-covariance MultivariateNormal works in its whitened coordinates): maps the per-slot
   * estimates ĝ = c (E_{p⁺}[f] − E_{p⁻}[f]), `[...batch, slots]` and detached, to a scalar whose
   * gradient with respect to the distribution's tensors is the estimate, e.g. ⟨ĝ, h(θ) − ⊥h(θ)⟩
   * for coordinates h(θ). Called on the gradient tape. Without it the slots are the
   * parameter's own entries (the default: ⟨ĝ, θ − ⊥θ⟩).
   */
  surrogate?: (estimates: tf.Tensor) => tf.Tensor;
}

/** Draws of the weak derivative of one (family, parameter); called inside `tf.tidy`. */
export type WeakDerivative<D extends Distribution = Distribution> = (
  context: WeakDerivativeContext<D>,
) => WeakDerivativeDraws;

/** A family as the registry knows it: its brand where it has one, else its prototype. */
type FamilyKey = object | symbol;

/** Registered entries: family → parameter name → weak derivative. */
const table = new Map<FamilyKey, Map<string, WeakDerivative>>();

/** The rows of the classes on the prototype chain from `proto`, most specific class first. */
function* rows(proto: object): Generator<Map<string, WeakDerivative>> {
  for (let o: object | null = proto; o !== null && o !== Object.prototype; ) {
    for (const key of classKeys(o)) {
      const row = table.get(key);
      if (row !== undefined) yield row;
    }
    o = Object.getPrototypeOf(o);
  }
}

/** Adds (or replaces) the entry of `param` for `Family`; no validation (see the public API). */
export function addWeakDerivative<D extends Distribution>(
  Family: DistributionClass<D>,
  param: string,
  entry: WeakDerivative<D>,
): void {
  const key = classKeys(Family.prototype)[0]!;
  let row = table.get(key);
  if (row === undefined) {
    row = new Map();
    table.set(key, row);
  }
  // The lookup only hands an entry instances of its own family (or subclasses).
  row.set(param, entry as unknown as WeakDerivative);
}

/**
 * The entry for `param` on the nearest class of the prototype chain from `proto` (matched by
 * brand or by prototype), or null.
 */
export function lookupWeakDerivative(proto: object, param: string): WeakDerivative | null {
  for (const row of rows(proto)) {
    const entry = row.get(param);
    if (entry !== undefined) return entry;
  }
  return null;
}

/** The parameter names registered along the prototype chain from `proto` (for messages). */
export function registeredParams(proto: object): string[] {
  const names = new Set<string>();
  for (const row of rows(proto)) for (const name of row.keys()) names.add(name);
  return [...names];
}

/** Throws unless `Family` is a class. */
export function assertFamily(fn: string, Family: unknown): asserts Family is DistributionClass {
  if (typeof Family !== 'function' || typeof Family.prototype !== 'object') {
    throw new InvalidArgumentError(
      `${fn}: argument 'Family' must be a distribution class, got ${formatValue(Family)}`,
    );
  }
}
