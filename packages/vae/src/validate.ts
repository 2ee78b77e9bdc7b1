import {
  allOnHost,
  assertInteger,
  assertKnownOptions,
  finiteChecksEnabled,
  type GenError,
  InvalidArgumentError,
  invalidArgument,
  isGenError,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** Asserts a live float tensor of rank ≥ `minRank` whose trailing shape is `dataShape` (if set). */
export function assertData(
  fn: string,
  arg: string,
  x: unknown,
  dataShape?: readonly number[],
): asserts x is tf.Tensor {
  if (!(x instanceof tf.Tensor) || x.isDisposed) {
    throw invalidArgument(fn, arg, x, 'must be a live tf.Tensor');
  }
  if (x.rank < 2) throw invalidArgument(fn, arg, x, 'must have a leading batch axis (rank >= 2)');
  if (dataShape !== undefined && !tf.util.arraysEqual(x.shape.slice(1), [...dataShape])) {
    throw new ShapeMismatchError(
      `${fn}: argument '${arg}' must have shape [n, ${dataShape.join(', ')}], got [${x.shape.join(', ')}]`,
    );
  }
}

/** Asserts a positive integer count. */
export function assertCount(fn: string, arg: string, n: unknown): asserts n is number {
  assertInteger(fn, arg, n, 1);
}

/** Asserts an array of finite numbers (non-empty). */
export function assertNumbers(fn: string, arg: string, v: unknown): asserts v is number[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((a) => Number.isFinite(a))) {
    throw invalidArgument(fn, arg, v, 'must be a non-empty array of finite numbers');
  }
}

/** Throws unless `options` is a plain object with known keys only (@gen/core's shared guard). */
export function assertOptionKeys(fn: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument(fn, 'options', options, 'must be an options object');
  }
  assertKnownOptions(fn, options, known);
}

/**
 * Throws unless every value of `x` is 0 or 1 (so NaN and ±Inf fail too), the support of a
 * Bernoulli likelihood, as @gen/distributions' `Bernoulli.logProb` and @gen/autoregressive's
 * `Made` require. Reads back one boolean; skipped like the finite checks of @gen/core
 * (`withoutFiniteChecks`, `setFiniteChecks(false)`).
 */
export function assertBinaryTensor(fn: string, arg: string, x: tf.Tensor): void {
  if (!finiteChecksEnabled() || x.size === 0) return;
  if (!allOnHost(() => tf.logicalOr(tf.equal(x, 0), tf.equal(x, 1)))) {
    throw new InvalidArgumentError(
      `${fn}: argument '${arg}' must hold only 0 and 1 for a Bernoulli likelihood (binarise grey levels first, e.g. with @gen/data's bernoulliBinarize), got a ${x.dtype} tensor of shape [${x.shape.join(', ')}] with other values`,
    );
  }
}

/** Throws unless `value` is an array of integers ≥ 1 (the shape of one example). */
export function assertDataShape(fn: string, arg: string, value: unknown): readonly number[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((d) => Number.isSafeInteger(d) && d >= 1)
  ) {
    throw invalidArgument(fn, arg, value, 'must be a non-empty array of integers >= 1');
  }
  return Object.freeze([...value]);
}

export { applyNetwork, assertLayerSizes } from '@gen/nn';

/** Throws unless `value` is an array of integers ≥ 1 (hidden widths; may be empty). */
export function assertHiddenSizes(fn: string, value: unknown): asserts value is number[] {
  if (!Array.isArray(value) || !value.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    throw invalidArgument(fn, 'hiddenSizes', value, 'must be an array of integers >= 1');
  }
}

/**
 * Builds a model from networks a factory just made; if the model's constructor refuses an
 * option, the networks are disposed (nothing leaks) and the error is re-raised under `fn`.
 */
export function ownedBy<T>(
  fn: string,
  networks: readonly { dispose(): void }[],
  build: () => T,
): T {
  try {
    return build();
  } catch (error) {
    for (const net of networks) net.dispose();
    if (isGenError(error) && !error.message.startsWith(`${fn}:`)) {
      const Kind = error.constructor as new (m: string, o: { cause: unknown }) => GenError;
      throw new Kind(`${fn}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** Most importance samples or Monte Carlo draws per example one call accepts. */
export const MAX_DRAWS = 10_000_000;

/** Most float32 values one batch of draws may hold (2²⁸, 1 GiB). */
const MAX_DRAW_ENTRIES = 2 ** 28;

/**
 * Throws unless `count` is an integer in [1, MAX_DRAWS] and `count` draws of `perDraw` values
 * each fit in memory at once: a typed error naming `fn` rather than a RangeError.
 */
export function assertDraws(fn: string, arg: string, count: unknown, perDraw: number): void {
  assertInteger(fn, arg, count, 1, MAX_DRAWS);
  if (count * perDraw > MAX_DRAW_ENTRIES) {
    throw invalidArgument(
      fn,
      arg,
      count,
      `is too large: ${count} draws of ${perDraw} values exceed the ${MAX_DRAW_ENTRIES} one call may hold at once`,
    );
  }
}
