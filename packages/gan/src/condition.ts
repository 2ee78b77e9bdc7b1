import {
  appendCondition,
  assertKnownOptions,
  conditionOption,
  invalidArgument,
  splitConditionalInput,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

// The condition checks of the Gan methods (the shared ones of @gen/core, naming the GAN); not
// part of the public API.

/**
 * Splits the real batch `arg` of `fn` into data and condition, checked against the GAN: a
 * conditional GAN (`conditionSize` set) needs `{ x, condition }` with a finite `condition` of
 * shape `[n, conditionSize]`; an unconditional one a bare tensor. The data is checked by the caller.
 */
export function splitReal(
  fn: string,
  arg: string,
  input: unknown,
  conditionSize: number | undefined,
): { x: tf.Tensor; condition?: tf.Tensor } {
  return splitConditionalInput(fn, arg, input, conditionSize, 'GAN');
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
  if (options !== undefined) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw invalidArgument(fn, 'options', options, 'must be an options object');
    }
    assertKnownOptions(fn, options, known);
  }
  const given = (options as { condition?: unknown } | undefined)?.condition;
  const condition = conditionOption(fn, given, conditionSize, rows, 'GAN');
  if (condition === undefined || conditionSize === undefined) return undefined;
  return condition.shape[0] === 1 && rows !== 1
    ? tf.broadcastTo(condition, [rows, conditionSize])
    : tf.clone(condition);
}

/** `x: [n, ...]` with `condition: [n, C]` appended to its last axis (as channels for images). */
export const withCondition = appendCondition;
