import {
  assertFiniteTensor,
  assertTensor,
  type Batch,
  invalidArgument,
  ShapeMismatchError,
} from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * The condition a call of a (possibly conditional) model received, checked: `null` for an
 * unconditional model (which refuses one), else a live float32 `[rows, C]` or `[1, C]` tensor
 * of finite values. `batch` is the `loss` batch, so its errors name `batch` as a whole.
 */
export function resolveCondition(
  fn: string,
  arg: string,
  condition: unknown,
  rows: number,
  conditionSize: number,
  batch?: Batch,
): tf.Tensor | null {
  if (conditionSize === 0) {
    if (condition === undefined) return null;
    if (batch !== undefined) {
      throw invalidArgument(fn, 'batch', batch, 'must be a tensor: the model is unconditional');
    }
    throw invalidArgument(
      fn,
      arg,
      condition,
      'applies to a conditional model only (built with conditionSize)',
    );
  }
  if (condition === undefined) {
    if (batch !== undefined) {
      throw invalidArgument(
        fn,
        'batch',
        batch,
        `must be { x, condition } with condition [n, ${conditionSize}]: the model is conditional`,
      );
    }
    throw invalidArgument(
      fn,
      arg,
      condition,
      `is required: the model is conditional (conditionSize ${conditionSize})`,
    );
  }
  assertTensor(fn, arg, condition);
  const shared = batch === undefined && condition.shape[0] === 1;
  if (
    condition.rank !== 2 ||
    condition.shape[1] !== conditionSize ||
    (condition.shape[0] !== rows && !shared)
  ) {
    const allowed = batch === undefined ? ` or [1, ${conditionSize}]` : '';
    throw new ShapeMismatchError(
      `${fn}: argument '${arg}' must have shape [${rows}, ${conditionSize}]${allowed}, got [${condition.shape.join(', ')}]`,
    );
  }
  if (condition.dtype !== 'float32') {
    throw invalidArgument(fn, arg, condition, 'must have dtype float32');
  }
  assertFiniteTensor(fn, arg, condition);
  return condition;
}
