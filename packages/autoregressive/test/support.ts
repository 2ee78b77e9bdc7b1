import { Rng } from '@gen/core';
import type { Module } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';

// Shared by the tests (not exported by the package).

/** Every binary vector of length d, `[2^d, d]`, row k holding the bits of k (first bit first). */
export function allBinary(d: number): tf.Tensor2D {
  const values = new Float32Array(2 ** d * d);
  for (let k = 0; k < 2 ** d; k++) {
    for (let i = 0; i < d; i++) values[k * d + i] = (k >> (d - 1 - i)) & 1;
  }
  return tf.tensor2d(values, [2 ** d, d]);
}

/**
 * Multiplies every weight by `factor` and adds N(0, shift²) noise, so that a freshly
 * initialised model has sharp, input-dependent conditionals (near-0.5 Bernoullis would hide
 * small errors in normalisation tests).
 */
export function sharpen(module: Module, factor: number, shift: number, seed = 7): void {
  const rng = Rng.fromSeed(seed);
  const weights = module.getWeights();
  const scaled = Object.fromEntries(
    Object.entries(weights).map(([name, w]) => [
      name,
      tf.tidy(() => tf.add(tf.mul(w, factor), rng.normal([...w.shape], 0, shift))),
    ]),
  );
  module.setWeights(scaled);
  tf.dispose([Object.values(weights), Object.values(scaled)]);
}

/** Plain numbers of a tensor (awaits the backend). */
export async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/**
 * Asserts that the empirical frequencies of the rows of `samples` (binary, `[n, d]`) match
 * `probs[k]` (the probability of the row with bits of k) within 4 standard errors
 * √(p(1 − p)/n) each; false-failure rate about 6e-5 per category.
 */
export async function expectFrequencies(samples: tf.Tensor, probs: number[]): Promise<void> {
  const [n, d] = samples.shape as [number, number];
  const bits = await values(samples);
  const counts = new Array<number>(2 ** d).fill(0);
  for (let r = 0; r < n; r++) {
    let k = 0;
    for (let i = 0; i < d; i++) k = 2 * k + bits[r * d + i]!;
    counts[k]! += 1;
  }
  counts.forEach((count, k) => {
    const p = probs[k]!;
    const se = Math.sqrt((p * (1 - p)) / n);
    const excess = Math.abs(count / n - p) - 4 * se;
    if (excess > 0) {
      throw new Error(`row ${k}: frequency ${count / n} vs probability ${p} (4 SE = ${4 * se})`);
    }
  });
}
