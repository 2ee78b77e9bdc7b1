import { type Distribution, formatValue, hasBrand, NotImplementedError } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';
import { unwrapIndependent } from '../weak-gradient.js';

/**
 * The logits `[...batch, ...event]` of a Bernoulli, or of `Independent` wrappers around one
 * (recognised by brand, so another installed copy of @gen/distributions works too), and how
 * many trailing axes are event axes.
 */
export function bernoulliLogits(
  fn: string,
  dist: Distribution,
): { logits: tf.Tensor; eventRank: number } {
  const { base, layout } = unwrapIndependent(dist);
  const logits = (base as { logits?: unknown }).logits;
  if (!hasBrand(base, '@gen/distributions/Bernoulli') || typeof logits !== 'object') {
    const name = (base as { constructor?: { name?: string } }).constructor?.name;
    throw new NotImplementedError(
      `${fn}: argument 'dist' must be a Bernoulli (or Independent of one), got ${name ?? formatValue(base)}; use scoreFunction() or vimco() for other families`,
    );
  }
  return { logits: logits as tf.Tensor, eventRank: layout.inner.length };
}
