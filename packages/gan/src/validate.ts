import { assertInteger, assertTensor, invalidArgument, ShapeMismatchError } from '@gen/core';
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

export { applyNetwork, assertLayerSizes } from '@gen/nn';
