import { assertKnownOptions, assertPositive, formatValue, InvalidArgumentError } from '@gen/core';
import { type ParamLike, pickLogitsOrProbs } from '@gen/distributions';
import type * as tf from '@tensorflow/tfjs-core';

/** What both relaxations take beside `logits` or `probs`. */
export interface RelaxationOptions {
  /** Temperature τ > 0: small τ approaches the discrete distribution, large τ flattens it. */
  temperature: number;
  /**
   * Straight-through: draws are the exact discrete samples (hard 0/1 or one-hot) in the
   * forward pass, while gradients are those of the relaxed draws (biased). Default false.
   */
  straightThrough?: boolean;
  /** Check parameters and `logProb` inputs (default: the @gen/distributions default). */
  validateArgs?: boolean;
}

/**
 * Which of `logits` or `probs` was given (by @gen/distributions' `pickLogitsOrProbs`, the rule
 * Bernoulli and Categorical follow), and the checked relaxation options.
 */
export function pickRelaxationParams(
  fn: string,
  params: { logits?: ParamLike; probs?: ParamLike } & Partial<RelaxationOptions>,
): { name: 'logits' | 'probs'; value: ParamLike; temperature: number; straightThrough: boolean } {
  if (typeof params !== 'object' || params === null) {
    throw new InvalidArgumentError(
      `${fn}: expected { logits | probs, temperature }, got ${formatValue(params)}`,
    );
  }
  assertKnownOptions(fn, params, [
    'logits',
    'probs',
    'temperature',
    'straightThrough',
    'validateArgs',
  ]);
  if (params.validateArgs !== undefined && typeof params.validateArgs !== 'boolean') {
    throw new InvalidArgumentError(
      `${fn}: argument 'validateArgs' must be a boolean, got ${formatValue(params.validateArgs)}`,
    );
  }
  const { logits, probs, temperature, straightThrough = false } = params;
  const { name, value } = pickLogitsOrProbs(fn, logits, probs);
  assertPositive(fn, 'temperature', temperature);
  if (typeof straightThrough !== 'boolean') {
    throw new InvalidArgumentError(
      `${fn}: argument 'straightThrough' must be a boolean, got ${formatValue(straightThrough)}`,
    );
  }
  return { name, value, temperature, straightThrough };
}

/** Smallest normal float32 and 1 − 2⁻²⁴: uniforms and relaxed draws are kept inside (0, 1). */
export const TINY = 1.1754943508222875e-38;
export const ONE_MINUS_EPS = 1 - 2 ** -24;

/**
 * The parameters of a relaxation's expanded copy (`BaseDistribution.expand`): its logits or
 * probs as given, broadcast, with the same temperature and straight-through mode.
 */
export function expandedRelaxationParams(
  d: { params: Record<string, tf.Tensor>; temperature: number; straightThrough: boolean },
  broadcast: (t: tf.Tensor) => tf.Tensor,
): ({ logits: tf.Tensor } | { probs: tf.Tensor }) & RelaxationOptions {
  const options = {
    temperature: d.temperature,
    straightThrough: d.straightThrough,
    validateArgs: false,
  };
  const { logits, probs } = d.params;
  return logits !== undefined
    ? { logits: broadcast(logits), ...options }
    : { probs: broadcast(probs!), ...options };
}
