import { formatValue, InvalidArgumentError, ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** A probability vector (last axis) or a batch of them: nested arrays or a tensor. */
export type ProbabilityVector = tf.Tensor | number[] | number[][] | number[][][];

function indexOf(flat: number, shape: readonly number[]): number[] {
  const out: number[] = [];
  let rest = flat;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const size = shape[axis]!;
    out.unshift(rest % size);
    rest = Math.floor(rest / size);
  }
  return out;
}

/**
 * Converts `value` to a float32 tensor of rank ≥ 1 (a tensor is used as is, so gradients flow)
 * and, when `validate`, checks that every entry is finite and ≥ 0 and that every vector along
 * the last axis sums to 1 within float32 rounding (|Σ − 1| ≤ 1e-4 + K·2⁻²³ for K entries).
 * Reads the values synchronously to do so. `owned` says whether the tensor was created here.
 */
export function toProbabilityVector(
  fn: string,
  arg: string,
  value: unknown,
  validate: boolean,
): { tensor: tf.Tensor; owned: boolean } {
  let tensor: tf.Tensor;
  let owned = false;
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) throw new InvalidArgumentError(`${fn}: argument '${arg}' is disposed`);
    tensor = value.dtype === 'float32' ? value : tf.cast(value, 'float32');
    owned = tensor !== value;
  } else if (Array.isArray(value)) {
    try {
      tensor = tf.tensor(value as number[], undefined, 'float32');
    } catch (cause) {
      throw new InvalidArgumentError(
        `${fn}: argument '${arg}' must be a probability vector (a numeric array or tensor), got ${formatValue(value)}`,
        { cause },
      );
    }
    owned = true;
  } else {
    throw new InvalidArgumentError(
      `${fn}: argument '${arg}' must be a probability vector (array or tensor) or a Distribution, got ${formatValue(value)}`,
    );
  }
  try {
    if (tensor.rank === 0 || tensor.size === 0) {
      throw new ShapeMismatchError(
        `${fn}: argument '${arg}' must have at least one axis of probabilities, got shape [${tensor.shape.join(', ')}]`,
      );
    }
    if (validate) checkProbabilities(fn, arg, tensor);
    return { tensor, owned };
  } catch (error) {
    if (owned) tensor.dispose();
    throw error;
  }
}

function checkProbabilities(fn: string, arg: string, tensor: tf.Tensor): void {
  const values = tensor.dataSync();
  const k = tensor.shape[tensor.rank - 1]!;
  const tolerance = 1e-4 + k * 2 ** -23;
  const expectation = `must hold probability vectors along its last axis (entries >= 0 summing to 1)`;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0) || !Number.isFinite(v)) {
      throw new InvalidArgumentError(
        `${fn}: argument '${arg}' ${expectation}, got the entry ${v} at [${indexOf(i, tensor.shape).join(', ')}]`,
      );
    }
  }
  for (let start = 0; start < values.length; start += k) {
    let sum = 0;
    for (let i = start; i < start + k; i++) sum += values[i]!;
    if (Math.abs(sum - 1) > tolerance) {
      const at = indexOf(start / k, tensor.shape.slice(0, -1));
      throw new InvalidArgumentError(
        `${fn}: argument '${arg}' ${expectation}, got a sum of ${sum} at [${at.join(', ')}]`,
      );
    }
  }
}
