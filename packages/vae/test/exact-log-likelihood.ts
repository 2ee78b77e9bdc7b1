import * as tf from '@tensorflow/tfjs-core';
import type { Vae } from '../src/vae.js';

/**
 * log p(x) = log ∫ p(x|z) N(z; 0, I) dz of a Bernoulli VAE with a 2-D latent, per example, by
 * the midpoint rule on [−half, half]² with `step`: the oracle for the ELBO, IWAE and NLL tests.
 * It shares only the decoder network with the VAE: log p(x|z) = Σ_d x_d ℓ_d − softplus(ℓ_d) of
 * the decoder's logits ℓ(z) is written out here. The prior mass outside ±6 is ~4e-9 and the
 * midpoint error is O(step²) (compare two steps to see it).
 */
export function exactLogLikelihood(
  vae: Vae,
  x: tf.Tensor2D,
  { half = 6, step = 0.05 }: { half?: number; step?: number } = {},
): Float32Array {
  return tf.tidy(() => {
    const m = Math.round((2 * half) / step);
    const axis = tf.add(tf.mul(tf.range(0, m), step), -half + step / 2);
    const z = tf.stack(
      [tf.reshape(tf.tile(tf.expandDims(axis, 1), [1, m]), [-1]), tf.tile(axis, [m])],
      1,
    );
    const logPrior = tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), 1, true)), Math.log(2 * Math.PI));
    const logits = vae.decoderOutput(z);
    const logLik = tf.sub(tf.matMul(logits, x, false, true), tf.sum(tf.softplus(logits), 1, true));
    const total = tf.add(tf.logSumExp(tf.add(logLik, logPrior), 0), 2 * Math.log(step));
    return total.dataSync() as Float32Array;
  });
}
