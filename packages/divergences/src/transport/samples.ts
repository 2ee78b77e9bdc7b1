import { formatValue, InvalidArgumentError, ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { finiteResult } from './finite-result.js';

/** Samples: `[n, d]` (or `[n]` for 1-D) as a tensor or nested arrays. */
export type SampleLike = tf.Tensor | number[] | number[][];

/**
 * Converts samples to a float32 `[n, d]` tensor ([n] becomes [n, 1]; a float32 tensor of rank 2
 * is used as is, so gradients flow back to it), checking that there are at least `minimum` rows
 * and that every value is finite (read synchronously). The caller disposes `tensor` when
 * `owned`.
 */
export function toSamples(
  fn: string,
  arg: string,
  value: unknown,
  minimum = 1,
): { tensor: tf.Tensor2D; owned: boolean } {
  let input: tf.Tensor;
  let created = false;
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) throw new InvalidArgumentError(`${fn}: argument '${arg}' is disposed`);
    input = value;
  } else if (Array.isArray(value)) {
    try {
      input = tf.tensor(value as number[], undefined, 'float32');
    } catch (cause) {
      throw new InvalidArgumentError(
        `${fn}: argument '${arg}' must be samples of shape [n, d] or [n], got ${formatValue(value)}`,
        { cause },
      );
    }
    created = true;
  } else {
    throw new InvalidArgumentError(
      `${fn}: argument '${arg}' must be samples of shape [n, d] or [n] (tensor or array), got ${formatValue(value)}`,
    );
  }
  const n = input.shape[0] ?? 0;
  if ((input.rank !== 1 && input.rank !== 2) || n < minimum || input.size === 0) {
    if (created) input.dispose();
    throw new ShapeMismatchError(
      `${fn}: argument '${arg}' must have shape [n, d] or [n] with n >= ${minimum}, got [${input.shape.join(', ')}]`,
    );
  }
  const tensor = tf.tidy(() => {
    const t = input.dtype === 'float32' ? input : tf.cast(input, 'float32');
    return (t.rank === 1 ? tf.reshape(t, [n, 1]) : t) as tf.Tensor2D;
  });
  const owned = tensor !== value;
  if (created && tensor !== input) input.dispose();
  const values = tensor.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      if (owned) tensor.dispose();
      const d = tensor.shape[1];
      throw new InvalidArgumentError(
        `${fn}: argument '${arg}' must hold finite values, got ${values[i]} at [${Math.floor(i / d)}, ${i % d}]`,
      );
    }
  }
  return { tensor, owned };
}

/**
 * Converts both sample sets, checks their dimensions agree, runs `body`, disposes the copies.
 * A tensor result is checked for float32 overflow ({@link finiteResult}).
 */
export function withSamplePair<T>(
  fn: string,
  x: unknown,
  y: unknown,
  minimum: number,
  body: (x: tf.Tensor2D, y: tf.Tensor2D) => T,
): T {
  const xs = toSamples(fn, 'x', x, minimum);
  try {
    const ys = toSamples(fn, 'y', y, minimum);
    try {
      if (xs.tensor.shape[1] !== ys.tensor.shape[1]) {
        throw new ShapeMismatchError(
          `${fn}: samples 'x' [${xs.tensor.shape.join(', ')}] and 'y' [${ys.tensor.shape.join(', ')}] have different dimensions`,
        );
      }
      const out = body(xs.tensor, ys.tensor);
      return out instanceof tf.Tensor ? finiteResult(fn, out) : out;
    } finally {
      if (ys.owned) ys.tensor.dispose();
    }
  } finally {
    if (xs.owned) xs.tensor.dispose();
  }
}
