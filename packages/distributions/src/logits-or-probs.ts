import { InvalidArgumentError } from '@gen/core';
import type { ParamLike } from './param.js';

/** `{ logits }` or `{ probs }`, exactly one of them. */
export type LogitsOrProbs =
  | { logits: ParamLike; probs?: never }
  | { probs: ParamLike; logits?: never };

/**
 * Which of `logits`/`probs` was given; throws an InvalidArgumentError naming `fn` unless exactly
 * one was. Every family parameterised either way uses it (Bernoulli, Categorical, Mixture, and
 * @gen/estimators' relaxed families), so they all refuse "both" and "neither" alike.
 *
 * ```ts
 * const { name, value } = pickLogitsOrProbs('MyFamily', params.logits, params.probs);
 * // name: 'logits' | 'probs'
 * ```
 */
export function pickLogitsOrProbs(
  fn: string,
  logits: ParamLike | undefined,
  probs: ParamLike | undefined,
): { name: 'logits' | 'probs'; value: ParamLike } {
  if ((logits === undefined) === (probs === undefined)) {
    const got = logits === undefined ? 'neither' : 'both';
    throw new InvalidArgumentError(`${fn}: pass exactly one of 'logits' or 'probs', got ${got}`);
  }
  return logits !== undefined
    ? { name: 'logits', value: logits }
    : { name: 'probs', value: probs! };
}
