import type { Distribution } from '@gen/core';
import { Independent, Normal } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';

/** Smallest posterior standard deviation: σ = softplus(ρ) + MIN_SCALE. */
export const MIN_SCALE = 1e-4;

/** Upper bound on σ before the softplus: ρ is clipped to [−∞, 10], so σ ≤ 10 + MIN_SCALE. */
const MAX_RAW = 10;

/**
 * Splits an encoder output `[n, 2L]` into the mean μ and scale
 * σ = softplus(min(ρ, 10)) + 1e-4 of the diagonal Gaussian q(z|x) = N(μ, diag σ²): the scale
 * can neither collapse to 0 nor explode, whatever the encoder outputs.
 */
export function posteriorParams(out: tf.Tensor): { mean: tf.Tensor; scale: tf.Tensor } {
  const [mean, raw] = tf.split(out, 2, -1) as [tf.Tensor, tf.Tensor];
  const scale = tf.add(tf.softplus(tf.minimum(raw, MAX_RAW)), MIN_SCALE);
  return { mean, scale };
}

/** q(z|x) = Independent(Normal(μ, σ), 1): batch [n], event [L]. */
export function diagonalGaussian(mean: tf.Tensor, scale: tf.Tensor): Distribution {
  return new Independent(new Normal({ loc: mean, scale, validateArgs: false }), 1, {
    validateArgs: false,
  });
}

/** The prior p(z) = N(0, I_L), batch [n] (to match q for the KL registry). */
export function standardPrior(n: number, latentSize: number): Distribution {
  return diagonalGaussian(tf.zeros([n, latentSize]), tf.ones([n, latentSize]));
}

/** Merges leading axes: z [...lead, L] → [Π lead, L], calls `f`, restores the lead axes. */
export function applyFlat(f: (z: tf.Tensor) => tf.Tensor, z: tf.Tensor): tf.Tensor {
  const lead = z.shape.slice(0, -1);
  const out = f(tf.reshape(z, [-1, z.shape[z.rank - 1]!]));
  return tf.reshape(out, [...lead, ...out.shape.slice(1)]);
}
