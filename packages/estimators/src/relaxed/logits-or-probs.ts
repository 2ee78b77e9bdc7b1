import { assertPositive, formatValue, InvalidArgumentError } from '@gen/core';
import type { ParamLike } from '@gen/distributions';

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

/** Which of `logits` or `probs` was given; throws unless exactly one. Checks the options. */
export function pickRelaxationParams(
  fn: string,
  params: { logits?: ParamLike; probs?: ParamLike } & Partial<RelaxationOptions>,
): { name: 'logits' | 'probs'; value: ParamLike; temperature: number; straightThrough: boolean } {
  if (typeof params !== 'object' || params === null) {
    throw new InvalidArgumentError(
      `${fn}: expected { logits | probs, temperature }, got ${formatValue(params)}`,
    );
  }
  const { logits, probs, temperature, straightThrough = false } = params;
  if ((logits === undefined) === (probs === undefined)) {
    const got = logits === undefined ? 'neither' : 'both';
    throw new InvalidArgumentError(`${fn}: pass exactly one of 'logits' or 'probs', got ${got}`);
  }
  assertPositive(fn, 'temperature', temperature);
  if (typeof straightThrough !== 'boolean') {
    throw new InvalidArgumentError(
      `${fn}: argument 'straightThrough' must be a boolean, got ${formatValue(straightThrough)}`,
    );
  }
  return logits !== undefined
    ? { name: 'logits', value: logits, temperature, straightThrough }
    : { name: 'probs', value: probs!, temperature, straightThrough };
}

/** Smallest normal float32 and 1 − 2⁻²⁴: uniforms and relaxed draws are kept inside (0, 1). */
export const TINY = 1.1754943508222875e-38;
export const ONE_MINUS_EPS = 1 - 2 ** -24;
