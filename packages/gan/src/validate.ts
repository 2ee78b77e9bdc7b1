import {
  assertInteger,
  assertTensor,
  GenError,
  InvalidArgumentError,
  invalidArgument,
  ShapeMismatchError,
} from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';

// Input checks shared by the Gan methods; not part of the public API.

/** Most examples one call generates (with `latentSize` latents each, at most 2²⁸ values). */
const MAX_COUNT = 10_000_000;
const MAX_ENTRIES = 2 ** 28;

/** Throws unless `x` is a live tensor `[n, ...]` with rank ≥ 2 and n ≥ 1. */
export function assertBatch(fn: string, arg: string, x: unknown): asserts x is tf.Tensor {
  assertTensor(fn, arg, x);
  if (x.rank < 2 || x.shape[0]! < 1) {
    throw new ShapeMismatchError(
      `${fn}: argument '${arg}' must be [n, ...] with n >= 1, got [${x.shape.join(', ')}]`,
    );
  }
}

/**
 * Throws unless `n` is an integer ≥ 1 whose `n × latentSize` latents can be allocated: a typed
 * error rather than a RangeError from the allocation.
 */
export function assertCount(fn: string, arg: string, n: unknown, latentSize: number): void {
  assertInteger(fn, arg, n, 1);
  if (n > MAX_COUNT || n * latentSize > MAX_ENTRIES) {
    throw invalidArgument(fn, arg, n, `is too large: at most ${MAX_COUNT} examples per call`);
  }
}

/**
 * Runs a network for the public method `fn`; a failure (typically a shape the network cannot
 * take) becomes a typed error naming `fn` and the input's shape. Typed errors keep their class.
 */
export function applyNetwork(
  fn: string,
  what: string,
  apply: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
): tf.Tensor {
  try {
    return apply(x);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const message = `${fn}: the ${what} cannot take an input of shape [${x.shape.join(', ')}]: ${why}`;
    const Kind =
      cause instanceof GenError
        ? (cause.constructor as new (
            m: string,
            o: { cause: unknown },
          ) => GenError)
        : ShapeMismatchError;
    throw new Kind(message, { cause });
  }
}

/** Largest number of entries of one weight matrix (2²⁶ float32 values, 256 MiB). */
const MAX_LAYER_ENTRIES = 2 ** 26;

/**
 * Throws unless every weight matrix between consecutive `widths` can be allocated: a typed
 * error naming the factory, not a RangeError from the allocation.
 */
export function assertLayerSizes(fn: string, widths: readonly number[]): void {
  for (let i = 1; i < widths.length; i++) {
    if (widths[i - 1]! * widths[i]! > MAX_LAYER_ENTRIES) {
      throw new InvalidArgumentError(
        `${fn}: a layer of ${widths[i - 1]} × ${widths[i]} weights exceeds the ${MAX_LAYER_ENTRIES} entries one weight tensor may hold`,
      );
    }
  }
}
