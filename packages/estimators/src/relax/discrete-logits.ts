import { type Distribution, formatValue, hasBrand, NotImplementedError } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';
import { unwrapIndependent } from '../weak-gradient.js';

/** Which discrete family RELAX sees, and its logits. */
export interface DiscreteLogits {
  kind: 'bernoulli' | 'categorical';
  /** `[...batch, ...event]` (Bernoulli) or `[...batch, ...event, K]` (Categorical). */
  logits: tf.Tensor;
}

/**
 * The logits of a Bernoulli or Categorical, or of `Independent` wrappers around one (recognised
 * by brand, so another installed copy of @gen/distributions works too).
 */
export function discreteLogits(fn: string, dist: Distribution): DiscreteLogits {
  const { base } = unwrapIndependent(dist);
  const logits = (base as { logits?: unknown }).logits;
  const kind = hasBrand(base, '@gen/distributions/Bernoulli')
    ? 'bernoulli'
    : hasBrand(base, '@gen/distributions/Categorical')
      ? 'categorical'
      : null;
  if (kind === null || typeof logits !== 'object') {
    const name = (base as { constructor?: { name?: string } }).constructor?.name;
    throw new NotImplementedError(
      `${fn}: argument 'dist' must be a Bernoulli or Categorical (or Independent of one), got ${name ?? formatValue(base)}; use scoreFunction() or vimco() for other families`,
    );
  }
  return { kind, logits: logits as tf.Tensor };
}
