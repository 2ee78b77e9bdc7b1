import { type Distribution, type NamedTensors, softplus } from '@gen/core';
import { Bernoulli, Mixture, Normal } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';

// Internal: how Made turns its raw outputs into one conditional distribution per dimension.

/** The per-dimension conditional of a Made. */
export interface ConditionalFamily {
  /** Raw network outputs per input dimension, P. */
  readonly paramsPerDim: number;
  /** Named parameters from raw outputs `[n, P, D]`: `[n, D]` each, `[n, D, K]` for a mixture. */
  params(raw: tf.Tensor): NamedTensors;
  /** The conditionals p(xᵢ | x_<i) as one distribution with batch shape `[n, D]`. */
  distribution(params: NamedTensors): Distribution;
}

// Values are checked by Made itself; per-call validation would read the tensors back.
const NO_VALIDATION = { validateArgs: false } as const;

/** Bernoulli: P = 1 logit ℓᵢ per dimension, p(xᵢ = 1 | x_<i) = σ(ℓᵢ). */
export function bernoulliFamily(): ConditionalFamily {
  return {
    paramsPerDim: 1,
    params: (raw) => ({ logits: tf.squeeze(raw, [1]) }),
    distribution: ({ logits }) => new Bernoulli({ logits: logits!, ...NO_VALIDATION }),
  };
}

/**
 * Gaussian with K components per dimension. K = 1: P = 2 outputs (μᵢ, sᵢ) and
 * p(xᵢ | x_<i) = N(μᵢ, σᵢ²). K > 1: P = 3K outputs (logits αᵢₖ, means μᵢₖ, sᵢₖ) and
 * p(xᵢ | x_<i) = Σₖ softmax(αᵢ)ₖ N(μᵢₖ, σᵢₖ²). Scales are σ = softplus(s) + minScale: linear
 * rather than exponential growth in s, and bounded below, so neither an exploding log-scale nor
 * a collapsing one on repeated values can make the likelihood infinite.
 */
export function gaussianFamily(components: number, minScale: number): ConditionalFamily {
  const k = components;
  const scaleOf = (s: tf.Tensor) => tf.add(softplus(s), minScale);
  if (k === 1) {
    return {
      paramsPerDim: 2,
      params: (raw) => {
        const [loc, s] = tf.unstack(raw, 1) as [tf.Tensor, tf.Tensor];
        return { loc, scale: scaleOf(s) };
      },
      distribution: ({ loc, scale }) => new Normal({ loc: loc!, scale: scale!, ...NO_VALIDATION }),
    };
  }
  // [n, K, D] blocks → [n, D, K], the component axis last as Mixture expects.
  const part = (raw: tf.Tensor, j: number) =>
    tf.transpose(tf.slice(raw, [0, j * k, 0], [-1, k, -1]), [0, 2, 1]);
  return {
    paramsPerDim: 3 * k,
    params: (raw) => ({ logits: part(raw, 0), loc: part(raw, 1), scale: scaleOf(part(raw, 2)) }),
    distribution: ({ logits, loc, scale }) =>
      new Mixture({
        logits: logits!,
        components: new Normal({ loc: loc!, scale: scale!, ...NO_VALIDATION }),
        ...NO_VALIDATION,
      }),
  };
}
