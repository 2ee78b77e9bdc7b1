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
import { addKl, type DistributionClass, type KlFunction, lookupKl } from './registry.js';

function className(d: object): string {
  const ctor = (d as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'anonymous class';
}

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
 * Poisson, Uniform, Laplace and Beta, each with itself, and Independent with Independent.
 *
 * ```ts
 * const d = kl(new Normal({ loc: 0, scale: 1 }), new Normal({ loc: 1, scale: 2 })); // 0.443147
 * ```
 *
 * @throws NotImplementedError when no pair is registered (the message names both classes);
 *   ShapeMismatchError when the batch shapes do not broadcast or the event shapes differ.
 */
export function kl(p: Distribution, q: Distribution): tf.Tensor {
  assertDistribution('kl', 'p', p);
  assertDistribution('kl', 'q', q);
  ensureBuiltinKls();
  const pName = className(p);
  const qName = className(q);
  const fn = lookupKl(prototypeOf('kl', 'p', p), prototypeOf('kl', 'q', q));
  if (fn === null) {
    throw new NotImplementedError(
      `kl: no closed form is registered for KL(${pName} ‖ ${qName}); register one with registerKl(${pName}, ${qName}, fn) or estimate E_p[log p − log q] by Monte Carlo`,
    );
  }
  if (!tf.util.arraysEqual([...p.eventShape], [...q.eventShape])) {
    throw new ShapeMismatchError(
      `kl: the event shapes of p (${pName}, [${p.eventShape.join(', ')}]) and q (${qName}, [${q.eventShape.join(', ')}]) differ`,
    );
  }
  let batch: number[];
  try {
    batch = tf.broadcast_util.assertAndGetBroadcastShape([...p.batchShape], [...q.batchShape]);
  } catch {
    throw new ShapeMismatchError(
      `kl: the batch shapes of p (${pName}, [${p.batchShape.join(', ')}]) and q (${qName}, [${q.batchShape.join(', ')}]) do not broadcast`,
    );
  }
  const result = tf.tidy(() => {
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
  try {
    assertNoNaN(p, q, result, `${pName}, ${qName}`);
  } catch (error) {
    result.dispose();
    throw error;
  }
  return result;
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
function assertNoNaN(p: Distribution, q: Distribution, result: tf.Tensor, pair: string): void {
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
  throw new NumericalError(`kl: the closed form for (${pair}) gave NaN`);
}
