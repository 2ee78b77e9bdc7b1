import { assertFiniteTensor, invalidArgument, isConditionalBatch } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** Data and, for a conditional model, one condition row per example. */
export interface Parts {
  x: tf.Tensor;
  condition?: tf.Tensor;
}

/**
 * Splits what a user passed as `arg` of `fn` into data and condition, checking it against the
 * model: a conditional model (`conditionSize` set) needs `{ x, condition }` with a finite
 * `condition` of shape `[n, conditionSize]` (n = the rows of `x`); an unconditional one needs a
 * bare tensor. The data itself is checked by the caller.
 */
export function splitInput(
  fn: string,
  arg: string,
  input: unknown,
  conditionSize: number | undefined,
): Parts {
  const conditional = isConditionalBatch(input);
  if (conditionSize === undefined) {
    if (conditional) {
      throw invalidArgument(
        fn,
        arg,
        input,
        'must be a tensor: this VAE is unconditional (built without conditionSize), so it takes no condition',
      );
    }
    return { x: input as tf.Tensor };
  }
  if (!conditional) {
    throw invalidArgument(
      fn,
      arg,
      input,
      `must be { x, condition } with condition [n, ${conditionSize}]: this VAE is conditional (conditionSize = ${conditionSize})`,
    );
  }
  const { x, condition } = input;
  const rows = x.rank >= 1 ? x.shape[0] : undefined;
  assertCondition(fn, `${arg}.condition`, condition, conditionSize, rows);
  return { x, condition };
}

/**
 * Checks a condition tensor: live, float, `[rows, conditionSize]` (any rows ≥ 1 when `rows` is
 * undefined), finite.
 */
export function assertCondition(
  fn: string,
  arg: string,
  condition: unknown,
  conditionSize: number,
  rows: number | undefined,
): asserts condition is tf.Tensor {
  const want = `[${rows ?? 'n'}, ${conditionSize}]`;
  if (!(condition instanceof tf.Tensor) || condition.isDisposed || condition.dtype !== 'float32') {
    throw invalidArgument(fn, arg, condition, `must be a live float32 tf.Tensor ${want}`);
  }
  const [n, c] = condition.shape;
  if (
    condition.rank !== 2 ||
    c !== conditionSize ||
    n === 0 ||
    (rows !== undefined && n !== rows)
  ) {
    throw invalidArgument(fn, arg, condition, `must have shape ${want}, one row per example`);
  }
  assertFiniteTensor(fn, arg, condition);
}

/**
 * The condition of `sample(n, rng, { condition })` / `decode(z, { condition })`: required for a
 * conditional model (`[rows, conditionSize]` or `[1, conditionSize]`, shared by all rows),
 * refused by an unconditional one.
 */
export function optionCondition(
  fn: string,
  options: { condition?: tf.Tensor | undefined },
  conditionSize: number | undefined,
  rows: number,
): tf.Tensor | undefined {
  const { condition } = options;
  if (conditionSize === undefined) {
    if (condition !== undefined) {
      throw invalidArgument(
        fn,
        'options.condition',
        condition,
        'must be left out: this VAE is unconditional (built without conditionSize)',
      );
    }
    return undefined;
  }
  if (condition === undefined) {
    throw invalidArgument(
      fn,
      'options.condition',
      condition,
      `is required: this VAE is conditional (conditionSize = ${conditionSize}); pass [${rows}, ${conditionSize}] or [1, ${conditionSize}]`,
    );
  }
  const shared = condition instanceof tf.Tensor && condition.rank === 2 && condition.shape[0] === 1;
  assertCondition(fn, 'options.condition', condition, conditionSize, shared ? 1 : rows);
  return condition;
}

/**
 * The encoder's input for q(z | x, c): `x` with `c` appended to its last axis, as extra
 * features for `[n, d]` data and as constant extra channels for images `[n, h, w, ch]`.
 */
export function withCondition(x: tf.Tensor, condition: tf.Tensor | undefined): tf.Tensor {
  if (condition === undefined) return x;
  return tf.tidy(() => {
    const [n, size] = condition.shape as [number, number];
    const ones = x.shape.slice(1, -1).map(() => 1);
    const c = tf.reshape(condition, [n, ...ones, size]);
    return tf.concat([x, tf.broadcastTo(c, [...x.shape.slice(0, -1), size])], -1);
  });
}

/**
 * The decoder's input for p(x | z, c): latents `z: [..., m, L]` with the condition (`[m, C]` or
 * `[1, C]`) appended to the last axis.
 */
export function latentWithCondition(z: tf.Tensor, condition: tf.Tensor | undefined): tf.Tensor {
  if (condition === undefined) return z;
  return tf.tidy(() => {
    const size = condition.shape[1]!;
    return tf.concat([z, tf.broadcastTo(condition, [...z.shape.slice(0, -1), size])], -1);
  });
}
