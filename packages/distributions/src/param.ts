import { formatValue, InvalidArgumentError, ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** What constructors accept for a parameter: a number, a nested array or a tensor. */
export type ParamLike = number | number[] | number[][] | number[][][] | tf.Tensor;

/**
 * Converts a parameter to a float32 tensor. A tensor argument is used as is (so gradients flow
 * back into whatever computed it, variables included); numbers and arrays become new tensors.
 * `owned` says whether the distribution created it (and so must dispose it).
 */
export function toParam(
  fn: string,
  arg: string,
  value: unknown,
): { tensor: tf.Tensor; owned: boolean } {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed)
      throw new InvalidArgumentError(`${fn}: argument '${arg}' is a disposed tensor`);
    if (value.dtype === 'float32') return { tensor: value, owned: false };
    return { tensor: tf.cast(value, 'float32'), owned: true };
  }
  if (typeof value === 'number' || Array.isArray(value)) {
    try {
      return { tensor: tf.tensor(value as number[], undefined, 'float32'), owned: true };
    } catch (cause) {
      throw new InvalidArgumentError(
        `${fn}: argument '${arg}' must be a number, a (nested) array of numbers or a tensor, got ${formatValue(value)}`,
        { cause },
      );
    }
  }
  throw new InvalidArgumentError(
    `${fn}: argument '${arg}' must be a number, a (nested) array of numbers or a tensor, got ${formatValue(value)}`,
  );
}

/** The broadcast of several shapes, or a {@link ShapeMismatchError} naming the arguments. */
export function broadcastShapes(fn: string, shapes: Record<string, readonly number[]>): number[] {
  let out: number[] = [];
  for (const [name, shape] of Object.entries(shapes)) {
    try {
      out = tf.broadcast_util.assertAndGetBroadcastShape(out, [...shape]);
    } catch {
      const all = Object.entries(shapes)
        .map(([n, s]) => `${n} [${s.join(', ')}]`)
        .join(', ');
      throw new ShapeMismatchError(
        `${fn}: parameter shapes do not broadcast (${all}; at '${name}')`,
      );
    }
  }
  return out;
}
