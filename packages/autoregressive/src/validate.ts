import {
  allOnHost,
  assertInteger,
  assertKnownOptions,
  assertTensor,
  InvalidArgumentError,
  invalidArgument,
  isRng,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

// Internal checks shared by Made and PixelCnn; not part of the public API.

/** Throws unless `options` is a plain object whose keys are all in `known`. */
export function assertOptionsObject(fn: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument(fn, 'options', options, 'must be an options object');
  }
  assertKnownOptions(fn, options, known);
}

/** Throws unless `x` is a live float32 tensor of shape [n, size] with n ≥ 1. */
export function assertRows(fn: string, arg: string, x: unknown, size: number): tf.Tensor2D {
  assertTensor(fn, arg, x);
  if (x.rank !== 2 || x.shape[0]! < 1 || x.shape[1] !== size) {
    throw new ShapeMismatchError(
      `${fn}: argument '${arg}' must have shape [batch, ${size}], got [${x.shape.join(', ')}]`,
    );
  }
  if (x.dtype !== 'float32') throw invalidArgument(fn, arg, x, 'must have dtype float32');
  return x as tf.Tensor2D;
}

/**
 * Throws unless every entry of `x` is finite and, when `binary`, 0 or 1. Reads back one boolean
 * (not the data): meant for evaluation calls such as `logProb`, not for every training step.
 */
export function assertValues(fn: string, arg: string, x: tf.Tensor, binary: boolean): void {
  const valid = () => (binary ? tf.logicalOr(tf.equal(x, 0), tf.equal(x, 1)) : tf.isFinite(x));
  if (!allOnHost(valid)) {
    const what = binary ? 'must hold only 0 and 1' : 'must hold only finite values';
    throw new InvalidArgumentError(
      `${fn}: argument '${arg}' ${what}, got a ${x.dtype} tensor of shape [${x.shape.join(', ')}] with other values`,
    );
  }
}

/** Throws unless `rng` is an Rng from any installed copy of @gen/core (its brand). */
export function assertRng(fn: string, arg: string, rng: unknown): void {
  if (!isRng(rng)) throw invalidArgument(fn, arg, rng, 'must be an Rng from @gen/core');
}

/** Throws unless `value` is an integer in [min, max]; keeps `assertInteger`'s wording for min. */
export function assertBoundedInteger(
  fn: string,
  arg: string,
  value: unknown,
  min: number,
  max: number,
): asserts value is number {
  assertInteger(fn, arg, value, min);
  if (value > max) throw invalidArgument(fn, arg, value, `must be <= ${max}`);
}

export { assertLayerSizes, MAX_LAYER_ENTRIES } from '@gen/nn';
