import {
  assertFiniteTensor,
  assertKnownOptions,
  invalidArgument,
  isConditionalBatch,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

// The condition checks of the Gan methods; not part of the public API.

/**
 * Splits the real batch `arg` of `fn` into data and condition, checking it against the GAN: a
 * conditional GAN (`conditionSize` set) needs `{ x, condition }` with a finite `condition` of
 * shape `[n, conditionSize]`; an unconditional one a bare tensor. The data is checked by the caller.
 */
export function splitReal(
  fn: string,
  arg: string,
  input: unknown,
  conditionSize: number | undefined,
): { x: tf.Tensor; condition?: tf.Tensor } {
  const conditional = isConditionalBatch(input);
  if (conditionSize === undefined) {
    if (conditional) {
      throw invalidArgument(
        fn,
        arg,
        input,
        'must be a tensor: this GAN is unconditional (built without conditionSize), so it takes no condition',
      );
    }
    return { x: input as tf.Tensor };
  }
  if (!conditional) {
    throw invalidArgument(
      fn,
      arg,
      input,
      `must be { x, condition } with condition [n, ${conditionSize}]: this GAN is conditional (conditionSize = ${conditionSize})`,
    );
  }
  const { x, condition } = input;
  assertCondition(fn, `${arg}.condition`, condition, conditionSize, x.rank >= 1 ? x.shape[0] : 1);
  return { x, condition };
}

/** Checks a live float32 finite condition `[rows, conditionSize]`. */
function assertCondition(
  fn: string,
  arg: string,
  condition: unknown,
  conditionSize: number,
  rows: number | undefined,
): asserts condition is tf.Tensor {
  const want = `[${rows}, ${conditionSize}]`;
  if (!(condition instanceof tf.Tensor) || condition.isDisposed || condition.dtype !== 'float32') {
    throw invalidArgument(fn, arg, condition, `must be a live float32 tf.Tensor ${want}`);
  }
  const [n, c] = condition.shape;
  if (condition.rank !== 2 || c !== conditionSize || n !== rows) {
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
 * The condition of `sample(n, rng, { condition })`, `generatorLoss(n, rng, { condition })` and
 * `critic(x, { condition })`: required by a conditional GAN (`[n, conditionSize]`, or
 * `[1, conditionSize]` shared by all n), refused by an unconditional one. Returns it as `[n, C]`
 * (the caller disposes it), or `undefined`.
 */
export function optionCondition(
  fn: string,
  options: unknown,
  known: readonly string[],
  conditionSize: number | undefined,
  rows: number,
): tf.Tensor | undefined {
  if (options === undefined) {
    if (conditionSize === undefined) return undefined;
    throw invalidArgument(
      fn,
      'options.condition',
      undefined,
      `is required: this GAN is conditional (conditionSize = ${conditionSize}); pass [${rows}, ${conditionSize}] or [1, ${conditionSize}]`,
    );
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument(fn, 'options', options, 'must be an options object');
  }
  assertKnownOptions(fn, options, known);
  const { condition } = options as { condition?: unknown };
  if (conditionSize === undefined) {
    if (condition !== undefined) {
      throw invalidArgument(
        fn,
        'options.condition',
        condition,
        'must be left out: this GAN is unconditional (built without conditionSize)',
      );
    }
    return undefined;
  }
  if (condition === undefined) {
    return optionCondition(fn, undefined, known, conditionSize, rows);
  }
  const shared = condition instanceof tf.Tensor && condition.rank === 2 && condition.shape[0] === 1;
  assertCondition(fn, 'options.condition', condition, conditionSize, shared ? 1 : rows);
  return shared ? tf.broadcastTo(condition, [rows, conditionSize]) : tf.clone(condition);
}

/** `x: [n, ...]` with `condition: [n, C]` appended to its last axis (as channels for images). */
export function withCondition(x: tf.Tensor, condition: tf.Tensor | undefined): tf.Tensor {
  if (condition === undefined) return x;
  return tf.tidy(() => {
    const [n, size] = condition.shape as [number, number];
    const ones = x.shape.slice(1, -1).map(() => 1);
    const c = tf.reshape(condition, [n, ...ones, size]);
    return tf.concat([x, tf.broadcastTo(c, [...x.shape.slice(0, -1), size])], -1);
  });
}
