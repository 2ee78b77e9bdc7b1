import { assertInteger, invalidArgument, ShapeMismatchError } from '@gen/core';
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

/** Throws unless `options` is a plain object with known keys only. */
export function assertOptionKeys(fn: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object') {
    throw invalidArgument(fn, 'options', options, 'must be an object');
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw invalidArgument(
        fn,
        `options.${key}`,
        (options as Record<string, unknown>)[key],
        `is not a known option (${known.join(', ')})`,
      );
    }
  }
}
