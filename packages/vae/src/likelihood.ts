import { type Distribution, invalidArgument } from '@gen/core';
import { Bernoulli, Independent, Normal } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Decoder likelihood p(x | z):
 * - `'bernoulli'`: the decoder outputs logits ℓ, p(x|z) = Π σ(ℓ)^x (1 − σ(ℓ))^(1−x);
 * - `'gaussian'`: the decoder outputs the mean μ, p(x|z) = Π N(x; μ, 1);
 * - `{ gaussian: 'fixed', scale: s }`: N(x; μ, s²) with a fixed s > 0;
 * - `{ gaussian: 'learned' }`: the decoder's last axis holds [μ, ρ] (twice the data's channels
 *   or features) and σ = softplus(ρ) + 1e-3, so the variance is learned per pixel and bounded
 *   away from 0.
 */
export type Likelihood =
  | 'bernoulli'
  | 'gaussian'
  | { gaussian: 'fixed'; scale: number }
  | { gaussian: 'learned' };

const MIN_DECODER_SCALE = 1e-3;

/** Validates `likelihood`; returns it. */
export function parseLikelihood(fn: string, likelihood: unknown): Likelihood {
  if (likelihood === 'bernoulli' || likelihood === 'gaussian') return likelihood;
  const l = likelihood as { gaussian?: unknown; scale?: unknown } | null;
  if (typeof l === 'object' && l !== null) {
    if (l.gaussian === 'learned') return { gaussian: 'learned' };
    if (
      l.gaussian === 'fixed' &&
      typeof l.scale === 'number' &&
      Number.isFinite(l.scale) &&
      l.scale > 0
    ) {
      return { gaussian: 'fixed', scale: l.scale };
    }
  }
  throw invalidArgument(
    fn,
    'likelihood',
    likelihood,
    "must be 'bernoulli', 'gaussian', { gaussian: 'fixed', scale > 0 } or { gaussian: 'learned' }",
  );
}

/** How many decoder outputs per data value the likelihood needs (2 for a learned variance). */
export function outputFactor(likelihood: Likelihood): number {
  return typeof likelihood === 'object' && likelihood.gaussian === 'learned' ? 2 : 1;
}

/**
 * p(x | z) from the decoder output `out: [...lead, ...dataShape]` (last axis doubled for a
 * learned variance), as an Independent over the `eventRank` data axes (batch = lead).
 */
export function likelihoodDist(
  likelihood: Likelihood,
  out: tf.Tensor,
  eventRank: number,
): Distribution {
  const opts = { validateArgs: false };
  let base: Distribution;
  if (likelihood === 'bernoulli') base = new Bernoulli({ logits: out, ...opts });
  else if (likelihood === 'gaussian') base = new Normal({ loc: out, scale: 1, ...opts });
  else if (likelihood.gaussian === 'fixed') {
    base = new Normal({ loc: out, scale: likelihood.scale, ...opts });
  } else {
    const [loc, raw] = tf.split(out, 2, -1) as [tf.Tensor, tf.Tensor];
    const scale = tf.add(tf.softplus(raw), MIN_DECODER_SCALE);
    base = new Normal({ loc, scale, ...opts });
  }
  return new Independent(base, eventRank, opts);
}

/** The mean of p(x | z): σ(ℓ) for Bernoulli logits, μ for the Gaussians. */
export function likelihoodMean(likelihood: Likelihood, out: tf.Tensor): tf.Tensor {
  if (likelihood === 'bernoulli') return tf.sigmoid(out);
  if (typeof likelihood === 'object' && likelihood.gaussian === 'learned') {
    return tf.split(out, 2, -1)[0]!;
  }
  return tf.clone(out);
}
