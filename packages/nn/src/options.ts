import {
  assertInteger,
  assertKnownOptions,
  assertTensor,
  invalidArgument,
  ShapeMismatchError,
} from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';

// Internal helpers shared by the layer constructors; not part of the public API.

/** Throws unless `options` is a plain object whose keys are all in `known`. */
export function assertOptions(fn: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument(fn, 'options', options, 'must be an options object');
  }
  assertKnownOptions(fn, options, known);
}

/** Throws unless `value` is an array of integers >= 1 (layer widths). */
export function assertSizes(fn: string, arg: string, value: unknown): asserts value is number[] {
  if (!Array.isArray(value)) throw invalidArgument(fn, arg, value, 'must be an array of integers');
  value.forEach((size, i) => {
    assertInteger(fn, `${arg}[${i}]`, size, 1);
  });
}

export { resolveRng } from '@gen/core';

/** Throws unless `x` is a live tensor of rank >= 1 whose last axis has `size` entries. */
export function assertLastAxis(fn: string, arg: string, x: unknown, size: number): tf.Tensor {
  assertTensor(fn, arg, x);
  if (x.rank === 0 || x.shape[x.rank - 1] !== size) {
    throw new ShapeMismatchError(
      `${fn}: argument '${arg}' must have shape [..., ${size}], got [${x.shape.join(', ')}]`,
    );
  }
  return x;
}
