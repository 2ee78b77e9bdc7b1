import {
  assertDistribution,
  assertInteger,
  assertKnownOptions,
  assertRng,
  type Distribution,
  invalidArgument,
  type Rng,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Constraint } from '../validation.js';

/** Options of the Monte Carlo estimate of KL(p ‖ q) (`kl`'s fallback and `klMonteCarlo`). */
export interface KlOptions {
  /** The number of draws from p, a positive integer. */
  samples: number;
  /** The random stream the draws come from (advanced, as by `p.sample`). */
  rng: Rng;
}

/** A Monte Carlo estimate of KL(p ‖ q), both tensors of the broadcast batch shape. */
export interface KlMonteCarloResult {
  /** The sample mean of log p(X) − log q(X) over the draws X ~ p. */
  value: tf.Tensor;
  /**
   * The sample standard deviation of log p(X) − log q(X) (divisor samples − 1) over √samples:
   * NaN for `samples: 1`, 0 where `value` is +∞ (a draw outside q's support makes KL +∞ for
   * certain).
   */
  standardError: tf.Tensor;
}

const KNOWN_OPTIONS = ['samples', 'rng'] as const;

export function className(d: object): string {
  const ctor = (d as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'anonymous class';
}

/**
 * Checks the Monte Carlo options of `fn` (`kl`, `klMonteCarlo`): undefined stays undefined (no
 * estimate asked for); anything else must be `{ samples, rng }`, both given, no other key.
 */
export function checkKlOptions(fn: string, options: unknown): KlOptions | undefined {
  if (options === undefined) return undefined;
  assertKnownOptions(fn, options as object, KNOWN_OPTIONS);
  const { samples, rng } = options as Partial<KlOptions>;
  assertInteger(fn, 'options.samples', samples, 1);
  assertRng(fn, 'options.rng', rng);
  return { samples, rng };
}

/**
 * The broadcast batch shape of the pair, after checking that the event shapes agree; typed
 * errors name `fn` and both classes.
 */
export function pairBatchShape(fn: string, p: Distribution, q: Distribution): number[] {
  const pName = className(p);
  const qName = className(q);
  if (!tf.util.arraysEqual([...p.eventShape], [...q.eventShape])) {
    throw new ShapeMismatchError(
      `${fn}: the event shapes of p (${pName}, [${p.eventShape.join(', ')}]) and q (${qName}, [${q.eventShape.join(', ')}]) differ`,
    );
  }
  try {
    return tf.broadcast_util.assertAndGetBroadcastShape([...p.batchShape], [...q.batchShape]);
  } catch {
    throw new ShapeMismatchError(
      `${fn}: the batch shapes of p (${pName}, [${p.batchShape.join(', ')}]) and q (${qName}, [${q.batchShape.join(', ')}]) do not broadcast`,
    );
  }
}

const CONSTRAINTS: readonly Constraint[] = [
  'real',
  'positive',
  'nonNegative',
  'unitInterval',
  'openUnitInterval',
  'binary',
  'nonNegativeInteger',
  'simplex',
];

/** q's support where q declares one of this package's constraints (a foreign Distribution may not). */
function supportOf(q: Distribution): Constraint | undefined {
  const s = (q as { support?: unknown }).support;
  return CONSTRAINTS.includes(s as Constraint) ? (s as Constraint) : undefined;
}

/**
 * Whether each entry of `x` lies in `constraint` (entrywise; for 'simplex' per last-axis vector,
 * broadcast back over it), the same sets `checkConstraint` accepts.
 */
function inSupport(x: tf.Tensor, constraint: Constraint): tf.Tensor {
  const finite = tf.isFinite(x);
  switch (constraint) {
    case 'real':
      return finite;
    case 'positive':
      return tf.logicalAnd(finite, tf.greater(x, 0));
    case 'nonNegative':
      return tf.logicalAnd(finite, tf.greaterEqual(x, 0));
    case 'unitInterval':
      return tf.logicalAnd(tf.greaterEqual(x, 0), tf.lessEqual(x, 1));
    case 'openUnitInterval':
      return tf.logicalAnd(tf.greater(x, 0), tf.less(x, 1));
    case 'binary':
      return tf.logicalOr(tf.equal(x, 0), tf.equal(x, 1));
    case 'nonNegativeInteger':
      return tf.logicalAnd(finite, tf.logicalAnd(tf.greaterEqual(x, 0), tf.equal(tf.floor(x), x)));
    case 'simplex': {
      const k = x.rank === 0 ? 1 : x.shape[x.rank - 1]!;
      const entries = tf.all(tf.logicalAnd(finite, tf.greaterEqual(x, 0)), -1, true);
      const sum = tf.lessEqual(tf.abs(tf.sub(tf.sum(x, -1, true), 1)), 1e-4 * k);
      return tf.broadcastTo(tf.logicalAnd(entries, sum), x.shape);
    }
  }
}

/** A point inside `constraint` (for a simplex of k categories, the uniform vector). */
function insidePoint(constraint: Constraint, k: number): number {
  switch (constraint) {
    case 'positive':
    case 'nonNegative':
      return 1;
    case 'unitInterval':
    case 'openUnitInterval':
      return 0.5;
    case 'simplex':
      return 1 / k;
    default:
      return 0;
  }
}

/**
 * log d(x) without the argument checks where `d` is one of this package's distributions (of
 * any installed copy): its `_logProb`, which `logProb` calls after checking x. The draws here are
 * ours, not a caller's, and a check would refuse exactly the draws that matter: those outside
 * a support that depends on the parameters (Uniform's [low, high], which `_logProb` gives −∞).
 * Another Distribution's `logProb` otherwise.
 */
function logDensity(d: Distribution, x: tf.Tensor): tf.Tensor {
  const unchecked = (d as { _logProb?: unknown })._logProb;
  return typeof unchecked === 'function'
    ? (unchecked as (x: tf.Tensor) => tf.Tensor).call(d, x)
    : d.logProb(x);
}

/**
 * log p(x) − log q(x) for draws `x` of shape [n, ...batch, ...event]: [n, ...batch]. A draw
 * outside q's declared support gives +∞ (q's density is 0 there); q's density is evaluated at a
 * point inside instead, since outside it the formula may give a meaningless finite value
 * (an Exponential's log λ − λx at x < 0).
 */
function logRatio(p: Distribution, q: Distribution, x: tf.Tensor, eventRank: number): tf.Tensor {
  const logP = logDensity(p, x);
  const support = supportOf(q);
  if (support === undefined) return tf.sub(logP, logDensity(q, x));
  const k = x.rank === 0 ? 1 : x.shape[x.rank - 1]!;
  const entryInside = inSupport(x, support);
  const eventAxes = Array.from({ length: eventRank }, (_, i) => x.rank - eventRank + i);
  const inside = eventRank === 0 ? entryInside : tf.all(entryInside, eventAxes);
  const safe = tf.where(entryInside, x, tf.fill(x.shape, insidePoint(support, k)));
  const diff = tf.sub(logP, logDensity(q, safe));
  return tf.where(inside, diff, tf.fill(diff.shape, Number.POSITIVE_INFINITY));
}

/**
 * The estimate itself, after the checks: `samples` draws X ~ p (reparameterised where p has
 * `rsample`), broadcast to the pair's batch shape (draws are shared along axes where only q has a
 * batch), and the mean and standard error of log p(X) − log q(X).
 */
export function estimateKl(
  p: Distribution,
  q: Distribution,
  batch: readonly number[],
  { samples, rng }: KlOptions,
): KlMonteCarloResult {
  return tf.tidy(() => {
    const draws = p.hasRsample ? p.rsample(samples, rng) : p.sample(samples, rng);
    const eventRank = p.eventShape.length;
    // [n, ...pBatch, ...event] → [n, 1, …, 1, ...pBatch, ...event] → [n, ...batch, ...event].
    const ones = new Array<number>(batch.length - p.batchShape.length).fill(1);
    const lifted = tf.reshape(draws, [samples, ...ones, ...p.batchShape, ...p.eventShape]);
    const x = tf.broadcastTo(lifted, [samples, ...batch, ...p.eventShape]);
    const d = logRatio(p, q, x, eventRank);
    // The mean of d − d₀ plus d₀ (d₀ the first draw's, where finite): a float32 sum of n values
    // near a large common level loses up to n ulps of that level (2e-3 seen at n = 20000 and a
    // level of 8.6, against a standard error of 1.5e-5); shifted, only the spread is summed.
    const first = tf.squeeze(tf.slice(d, 0, 1), [0]);
    const shift = tf.where(tf.isFinite(first), first, tf.zerosLike(first));
    const value = tf.add(shift, tf.mean(tf.sub(d, shift), 0));
    const centred = tf.sub(d, value);
    const variance = tf.div(tf.sum(tf.square(centred), 0), samples - 1);
    const se = tf.sqrt(tf.div(variance, samples));
    const certain = tf.equal(value, Number.POSITIVE_INFINITY);
    const standardError = tf.where(certain, tf.zerosLike(se), se);
    return { value, standardError };
  });
}

/**
 * A Monte Carlo estimate of KL(p ‖ q) = E_p[log p(X) − log q(X)] from `samples` draws of p,
 * whether or not a closed form is registered: `value` (the sample mean) and `standardError`
 * (sample standard deviation / √samples), both of shape broadcast(p.batchShape, q.batchShape)
 * and owned by the caller. Draws outside q's support (Normal draws against an Exponential, say)
 * make the estimate +∞ with standard error 0. Where p has `rsample` the draws are
 * reparameterised, so `value` is differentiable with respect to both distributions' parameters
 * (pathwise); otherwise only its gradient with respect to q's parameters estimates that of the
 * KL. Where q has a batch and p does not, the draws are shared along those axes (each entry is
 * still an unbiased estimate).
 *
 * ```ts
 * const { value, standardError } = klMonteCarlo(p, q, { samples: 10000, rng: Rng.fromSeed(0) });
 * ```
 *
 * @throws InvalidArgumentError for options other than `{ samples, rng }` (an unknown key, a
 *   `samples` that is not a positive integer, an `rng` that is not an Rng);
 *   ShapeMismatchError when the batch shapes do not broadcast or the event shapes differ.
 */
export function klMonteCarlo(
  p: Distribution,
  q: Distribution,
  options: KlOptions,
): KlMonteCarloResult {
  const fn = 'klMonteCarlo';
  assertDistribution(fn, 'p', p);
  assertDistribution(fn, 'q', q);
  if (options === undefined) {
    throw invalidArgument(fn, 'options', options, 'must be { samples, rng }');
  }
  const checked = checkKlOptions(fn, options)!;
  return estimateKl(p, q, pairBatchShape(fn, p, q), checked);
}
