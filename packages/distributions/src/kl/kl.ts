import {
  assertDistribution,
  type Distribution,
  finiteChecksEnabled,
  formatValue,
  InvalidArgumentError,
  NotImplementedError,
  NumericalError,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { ensureBuiltinKls } from './builtins.js';
import {
  checkKlOptions,
  className,
  estimateKl,
  type KlOptions,
  pairBatchShape,
} from './monte-carlo.js';
import { addKl, type DistributionClass, type KlFunction, lookupKl } from './registry.js';

function assertClass(fn: string, arg: string, c: unknown): asserts c is DistributionClass {
  if (typeof c !== 'function' || typeof (c as { prototype?: unknown }).prototype !== 'object') {
    throw new InvalidArgumentError(
      `${fn}: argument '${arg}' must be a distribution class, got ${formatValue(c)}`,
    );
  }
}

/** The prototype of an instance, or that of a class's instances. */
function prototypeOf(fn: string, arg: string, d: unknown): object {
  if (typeof d === 'function') {
    assertClass(fn, arg, d);
    return d.prototype;
  }
  assertDistribution(fn, arg, d);
  return Object.getPrototypeOf(d) as object;
}

/**
 * Registers the closed form `fn(p, q)` = KL(p ‖ q) for p an instance of `P` and q of `Q`
 * (subclasses included), replacing an earlier registration of the same pair. The built-in pairs
 * are registered first, so a registration of your own for a built-in pair overrides it.
 *
 * Lookup (torch's `_dispatch_kl`): among the registered pairs (P, Q) with P on the prototype
 * chain of p and Q on that of q, the pair whose P is nearest to p's class wins, and among those
 * the Q nearest to q's class. So registering `(MyNormal, Normal)` takes precedence over the
 * built-in `(Normal, Normal)` for `kl(myNormal, normal)` and `kl(myNormal, myNormal)`, and where
 * a pair is ambiguous (`(Sub, Base)` and `(Base, Sub)` both match `(sub, sub)`) the one more
 * specific in p wins.
 *
 * The classes of @gen/distributions are matched by their `Symbol.for` brand
 * (`'@gen/distributions/Normal'`, …), so distributions made by another installed copy of the
 * package (two versions side by side) find the same pairs; a class without a brand (your own)
 * matches only itself and its subclasses. Brand your own class with `brand` from `@gen/core`
 * to make it match across copies too.
 *
 * ```ts
 * registerKl(Normal, Laplace, (p, q) => …); // tensor of the broadcast batch shape, in nats
 * ```
 */
export function registerKl<P extends Distribution, Q extends Distribution>(
  P: DistributionClass<P>,
  Q: DistributionClass<Q>,
  fn: KlFunction<P, Q>,
): void {
  assertClass('registerKl', 'P', P);
  assertClass('registerKl', 'Q', Q);
  if (typeof fn !== 'function') {
    throw new InvalidArgumentError(
      `registerKl: argument 'fn' must be a function (p, q) => tf.Tensor, got ${formatValue(fn)}`,
    );
  }
  ensureBuiltinKls();
  addKl(P, Q, fn as KlFunction);
}

/**
 * Whether `kl(p, q)` has a registered closed form; `p` and `q` are distributions or classes.
 */
export function hasKl(
  p: Distribution | DistributionClass,
  q: Distribution | DistributionClass,
): boolean {
  ensureBuiltinKls();
  return lookupKl(prototypeOf('hasKl', 'p', p), prototypeOf('hasKl', 'q', q)) !== null;
}

/**
 * KL(p ‖ q) = E_p[log p(X) − log q(X)] in nats, from the closed form registered for the classes
 * of `p` and `q` (see {@link registerKl} for the lookup). Returns a tensor of shape
 * broadcast(p.batchShape, q.batchShape), differentiable with respect to both distributions'
 * parameters; +∞ where p puts mass where q has none. The caller owns the result.
 *
 * Built-in pairs: Normal, MultivariateNormal, Bernoulli, Categorical, Exponential, Gamma,
 * Poisson, Uniform, Laplace and Beta, each with itself; Independent with Independent; and the
 * pairs across families that torch registers among these: Bernoulli‖Poisson, Beta‖(Exponential,
 * Gamma, Normal, Uniform), Exponential‖(Gamma, Normal), Gamma‖(Exponential, Normal),
 * Laplace‖Normal, Normal‖Laplace, Uniform‖(Beta, Exponential, Gamma, Normal), and the pairs
 * that are +∞ whatever the parameters (the support of p never inside q's): Normal and Laplace
 * against Beta, Exponential, Gamma and Uniform; Exponential and Gamma against Beta and Uniform;
 * Poisson‖Bernoulli.
 *
 * With `options` `{ samples, rng }`, a pair without a closed form is estimated by Monte Carlo
 * instead of refused: the mean of log p(X) − log q(X) over `samples` draws X ~ p (see
 * `klMonteCarlo`, which also returns the standard error). A registered closed form is
 * still used when options are given (they are checked all the same); only where it throws
 * NotImplementedError (an Independent pair whose bases have no closed form) is the whole pair
 * estimated instead. The estimate is random: pass enough samples, and call `klMonteCarlo` to
 * see its standard error.
 *
 * ```ts
 * const d = kl(new Normal({ loc: 0, scale: 1 }), new Normal({ loc: 1, scale: 2 })); // 0.443147
 * const e = kl(new Weibull({ shape: 2, scale: 1 }), new Normal({ loc: 0, scale: 1 }), {
 *   samples: 10000,
 *   rng: Rng.fromSeed(0),
 * }); // Monte Carlo: no closed form is registered
 * ```
 *
 * @throws NotImplementedError when no pair is registered and no options are given (the message
 *   names both classes and the options); InvalidArgumentError for options other than
 *   `{ samples, rng }` (an unknown key, `samples` not a positive integer, `rng` not an Rng);
 *   ShapeMismatchError when the batch shapes do not broadcast or the event shapes differ.
 */
export function kl(p: Distribution, q: Distribution, options?: KlOptions): tf.Tensor {
  assertDistribution('kl', 'p', p);
  assertDistribution('kl', 'q', q);
  const monteCarlo = checkKlOptions('kl', options);
  ensureBuiltinKls();
  const pName = className(p);
  const qName = className(q);
  const fn = lookupKl(prototypeOf('kl', 'p', p), prototypeOf('kl', 'q', q));
  if (fn === null && monteCarlo === undefined) {
    throw new NotImplementedError(
      `kl: no closed form is registered for KL(${pName} ‖ ${qName}); register one with registerKl(${pName}, ${qName}, fn), or pass options { samples, rng } (kl(p, q, { samples, rng })) for a Monte Carlo estimate`,
    );
  }
  const batch = pairBatchShape('kl', p, q);
  if (fn === null) return estimate(p, q, batch, monteCarlo!, `${pName}, ${qName}`);
  let result: tf.Tensor;
  try {
    result = closedForm(fn, p, q, batch, pName, qName);
  } catch (error) {
    if (monteCarlo === undefined || !(error instanceof NotImplementedError)) throw error;
    return estimate(p, q, batch, monteCarlo, `${pName}, ${qName}`);
  }
  try {
    assertNoNaN(p, q, result, `the closed form for (${pName}, ${qName}) gave NaN`);
  } catch (error) {
    result.dispose();
    throw error;
  }
  return result;
}

/** The Monte Carlo value of `kl`, NaN-checked like a closed form. */
function estimate(
  p: Distribution,
  q: Distribution,
  batch: readonly number[],
  options: KlOptions,
  pair: string,
): tf.Tensor {
  const { value, standardError } = estimateKl(p, q, batch, options);
  standardError.dispose();
  try {
    assertNoNaN(
      p,
      q,
      value,
      `the Monte Carlo estimate for (${pair}) gave NaN (a draw where log p(x) and log q(x) are both infinite)`,
    );
  } catch (error) {
    value.dispose();
    throw error;
  }
  return value;
}

/** The registered function's result, checked and broadcast to `batch`. */
function closedForm(
  fn: KlFunction,
  p: Distribution,
  q: Distribution,
  batch: number[],
  pName: string,
  qName: string,
): tf.Tensor {
  return tf.tidy(() => {
    const out: unknown = fn(p, q);
    if (!(out instanceof tf.Tensor)) {
      throw new InvalidArgumentError(
        `kl: the function registered for (${pName}, ${qName}) must return a tf.Tensor, got ${formatValue(out)}`,
      );
    }
    if (tf.util.arraysEqual(out.shape, batch)) return out;
    let shape: number[] | undefined;
    try {
      shape = tf.broadcast_util.assertAndGetBroadcastShape(out.shape, batch);
    } catch {
      shape = undefined;
    }
    if (shape === undefined || !tf.util.arraysEqual(shape, batch)) {
      throw new ShapeMismatchError(
        `kl: the function registered for (${pName}, ${qName}) returned shape [${out.shape.join(', ')}], which does not broadcast to the batch shape [${batch.join(', ')}]`,
      );
    }
    return tf.broadcastTo(out, batch);
  });
}

function hasNaN(t: tf.Tensor): boolean {
  if (t.dtype !== 'float32' || t.size === 0) return false;
  const flag = tf.tidy(() => tf.any(tf.isNaN(t)));
  const found = flag.dataSync()[0] === 1;
  flag.dispose();
  return found;
}

/**
 * A NaN KL comes from NaN parameters (a distribution built with `validateArgs: false` from
 * NaN data, say): one read of the result in the common case, and on failure a search for the
 * parameter to blame. Skipped while the finite checks are off (`setFiniteChecks`).
 */
function assertNoNaN(p: Distribution, q: Distribution, result: tf.Tensor, failure: string): void {
  if (!finiteChecksEnabled() || !hasNaN(result)) return;
  for (const [arg, d] of [
    ['p', p],
    ['q', q],
  ] as const) {
    for (const [name, t] of Object.entries(d.params)) {
      if (hasNaN(t)) {
        throw new InvalidArgumentError(
          `kl: argument '${arg}' has NaN in its parameter '${name}' (${formatValue(t)}); construct it with validateArgs on to catch this where the NaN comes from`,
        );
      }
    }
  }
  throw new NumericalError(`kl: ${failure}`);
}
