import { type GradientEstimator, Rng } from '@gen/core';
import { Bernoulli } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { moments } from './moments.js';

// Tucker et al.'s toy: f(b) = (b − t)², t = 0.45, on Bernoulli(σ(0.3)), whose exact gradient in
// the logit ℓ is p(1 − p)((1 − t)² − t²). A batch of R identical problems gives R independent
// estimates; each mean must lie within 4 standard errors of the exact value (two-sided
// false-failure rate 6e-5 per check; fixed seeds).
export const [R, LOGIT, T] = [4000, 0.3, 0.45];
export const toy = (b: tf.Tensor) => tf.square(tf.sub(b, T));
const p = 1 / (1 + Math.exp(-LOGIT));
export const EXACT = p * (1 - p) * ((1 - T) ** 2 - T ** 2);

/** R estimates of ∂E[scale·f(b)]/∂ℓ, each from `samples` draws. */
export function toyEstimates(
  estimator: { surrogate: GradientEstimator['surrogate'] },
  seed: number,
  { samples = 1, scale = 1 } = {},
): Float32Array {
  const logits = tf.fill([R], LOGIT);
  const rng = Rng.fromSeed(seed);
  const cost = scale === 1 ? toy : (b: tf.Tensor) => tf.mul(toy(b), scale);
  const [g] = tf.grads(
    (l) => estimator.surrogate(new Bernoulli({ logits: l! }), cost, { samples, rng }).loss,
  )([logits]);
  const out = g!.dataSync() as Float32Array;
  tf.dispose([g!, logits]);
  return out;
}

/** The mean of `got` lies within 4 standard errors of `exact`. */
export function expectUnbiased(got: Float32Array, exact: number, label: string): void {
  const { mean, se } = moments(got);
  expect(Math.abs(mean - exact), `${label}: mean ${mean} vs ${exact} (se ${se})`).toBeLessThan(
    4 * se + 1e-6,
  );
}
