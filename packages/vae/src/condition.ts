import { appendCondition, conditionOption, splitConditionalInput } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** Data and, for a conditional model, one condition row per example. */
export interface Parts {
  x: tf.Tensor;
  condition?: tf.Tensor;
}

/**
 * Splits what a user passed as `arg` of `fn` into data and condition, checked against the VAE
 * (`splitConditionalInput` of @gen/core).
 */
export function splitInput(
  fn: string,
  arg: string,
  input: unknown,
  conditionSize: number | undefined,
): Parts {
  return splitConditionalInput(fn, arg, input, conditionSize, 'VAE');
}

/**
 * The condition of `sample(n, rng, { condition })` / `decode(z, { condition })`: required for a
 * conditional model (`[rows, conditionSize]` or `[1, conditionSize]`, shared by all rows),
 * refused by an unconditional one (`conditionOption` of @gen/core).
 */
export function optionCondition(
  fn: string,
  options: { condition?: tf.Tensor | undefined },
  conditionSize: number | undefined,
  rows: number,
): tf.Tensor | undefined {
  return conditionOption(fn, options.condition, conditionSize, rows, 'VAE');
}

/** The encoder's input for q(z | x, c): `appendCondition` of @gen/core. */
export const withCondition = appendCondition;

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
