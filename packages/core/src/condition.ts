import * as tf from '@tensorflow/tfjs-core';
import { assertFiniteTensor } from './finite-checks.js';
import { isConditionalBatch } from './guards.js';
import { invalidArgument } from './validate.js';

// The condition checks every conditional model shares (`conditionSize` in its factory; see
// `ConditionalBatch` and `SampleOptions`). `model` names the kind in messages ('GAN', 'VAE').

/**
 * Checks a condition tensor of `fn`'s argument `arg`: live, float32, `[rows, conditionSize]`
 * (any rows ≥ 1 when `rows` is undefined), finite; else a typed error naming them.
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
    throw invalidArgument(
      fn,
      arg,
      condition,
      `must have shape ${want}, one row per example; got [${condition.shape.join(', ')}]`,
    );
  }
  assertFiniteTensor(fn, arg, condition);
}

/**
 * Splits what a user passed as `arg` of `fn` (a batch) into data and condition, checked against
 * the model: a conditional one (`conditionSize` set) needs `{ x, condition }` with a condition
 * of shape `[n, conditionSize]` (n = the rows of `x`), an unconditional one a bare tensor. The
 * data itself is the caller's to check.
 */
export function splitConditionalInput(
  fn: string,
  arg: string,
  input: unknown,
  conditionSize: number | undefined,
  model: string,
): { x: tf.Tensor; condition?: tf.Tensor } {
  const conditional = isConditionalBatch(input);
  if (conditionSize === undefined) {
    if (conditional) {
      throw invalidArgument(
        fn,
        arg,
        input,
        `must be a tensor: this ${model} is unconditional (built without conditionSize), so it takes no condition`,
      );
    }
    return { x: input as tf.Tensor };
  }
  if (!conditional) {
    throw invalidArgument(
      fn,
      arg,
      input,
      `must be { x, condition } with condition [n, ${conditionSize}]: this ${model} is conditional (conditionSize = ${conditionSize})`,
    );
  }
  const { x, condition } = input;
  assertCondition(
    fn,
    `${arg}.condition`,
    condition,
    conditionSize,
    x.rank >= 1 ? x.shape[0] : undefined,
  );
  return { x, condition };
}

/**
 * The `condition` option of `fn` (`sample(n, rng, { condition })`, a decoder call): required by
 * a conditional model, `[rows, conditionSize]` or `[1, conditionSize]` (shared by every row),
 * and refused by an unconditional one. Returns it checked, as given, or `undefined`.
 */
export function conditionOption(
  fn: string,
  condition: unknown,
  conditionSize: number | undefined,
  rows: number,
  model: string,
): tf.Tensor | undefined {
  if (conditionSize === undefined) {
    if (condition !== undefined) {
      throw invalidArgument(
        fn,
        'options.condition',
        condition,
        `must be left out: this ${model} is unconditional (built without conditionSize)`,
      );
    }
    return undefined;
  }
  if (condition === undefined) {
    throw invalidArgument(
      fn,
      'options.condition',
      condition,
      `is required: this ${model} is conditional (conditionSize = ${conditionSize}); pass [${rows}, ${conditionSize}] or [1, ${conditionSize}]`,
    );
  }
  const shared = condition instanceof tf.Tensor && condition.rank === 2 && condition.shape[0] === 1;
  assertCondition(fn, 'options.condition', condition, conditionSize, shared ? 1 : rows);
  return condition;
}

/**
 * `x: [n, ...]` with `condition: [n, C]` appended to its last axis: extra features for `[n, d]`
 * rows, constant extra channels for images `[n, h, w, ch]`. `x` itself without a condition.
 */
export function appendCondition(x: tf.Tensor, condition: tf.Tensor | undefined): tf.Tensor {
  if (condition === undefined) return x;
  return tf.tidy(() => {
    const [n, size] = condition.shape as [number, number];
    const ones = x.shape.slice(1, -1).map(() => 1);
    const c = tf.reshape(condition, [n, ...ones, size]);
    return tf.concat([x, tf.broadcastTo(c, [...x.shape.slice(0, -1), size])], -1);
  });
}
