import { Rng } from '@gen/core';
import { plainNetwork } from '@gen/core/testing';
import type { FitAdversarialOptions } from '@gen/train';
import type * as tf from '@tensorflow/tfjs-core';
import { Gan } from '../src/gan.js';
import { layersMlp } from './networks.js';

// The GANs of the exact-resume tests, built the same way here and in the child process of
// resume-process.test.ts (which gets this file bundled from source).

/** Generator updates of one whole run; checkpoints every 5, the resumed half starts at 10. */
export const STEPS = 20;

export interface ResumeScenario {
  /** A fresh model; `seed` changes the initial weights, so a resumed model must load them. */
  build(seed: number): Gan;
  data(): tf.Tensor;
  /** Fresh options (a fresh Rng) for each run. */
  options(): Omit<FitAdversarialOptions, 'steps' | 'checkpoint' | 'resume'>;
}

const data = () => Rng.fromSeed(1).normal([96, 2], 1, 0.5);

export const scenarios: Record<string, ResumeScenario> = {
  // Instance noise that decays with the discriminator updates (the state getState() carries) and
  // one-sided label smoothing, two discriminator updates per step.
  'Gan.mlp with instance noise and label smoothing': {
    build: (seed) =>
      Gan.mlp({
        dataSize: 2,
        latentSize: 3,
        hiddenSizes: [8],
        loss: 'non-saturating',
        instanceNoise: { std: 0.5, decaySteps: 30 },
        labelSmoothing: 0.9,
        seed,
      }),
    data,
    options: () => ({
      batchSize: 16,
      discriminatorSteps: 2,
      learningRate: 1e-2,
      rng: Rng.fromSeed(2),
    }),
  },
  'tfjs-layers generator and discriminator (fromLayersModel), clipped Wasserstein critic': {
    build: (seed) =>
      new Gan({
        generator: layersMlp(3, [8], 2, seed),
        discriminator: layersMlp(2, [8], 1, seed + 1),
        latentSize: 3,
        loss: 'wasserstein',
        clipValue: 0.05,
        instanceNoise: { std: 0.3, decaySteps: 40 },
      }),
    data,
    options: () => ({
      batchSize: 16,
      discriminatorSteps: 2,
      learningRate: 5e-3,
      rng: Rng.fromSeed(3),
    }),
  },
  'hand-written networks (plain objects with their own tf.variables)': {
    build: (seed) =>
      new Gan({
        generator: plainNetwork({ inputSize: 3, hiddenSize: 6, outputSize: 2, seed: seed }),
        discriminator: plainNetwork({ inputSize: 2, hiddenSize: 6, outputSize: 1, seed: seed + 1 }),
        latentSize: 3,
        loss: 'least-squares',
        instanceNoise: { std: 0.4, decaySteps: 25 },
        labelSmoothing: 0.9,
      }),
    data,
    options: () => ({
      batchSize: 16,
      discriminatorSteps: 1,
      learningRate: 1e-2,
      rng: Rng.fromSeed(4),
    }),
  },
  // The generator's running statistics change with every loss call and live in the weights, so
  // they must come back from the checkpoint for the resumed run to match.
  'Gan.dcgan with batch normalisation in the generator': {
    build: (seed) => Gan.dcgan({ latentSize: 4, width: 2, batchNorm: true, seed }),
    data: () => Rng.fromSeed(5).uniform([32, 784]),
    options: () => ({ batchSize: 8, learningRate: 1e-2, rng: Rng.fromSeed(6) }),
  },
};

/**
 * Scenarios of the stabilisers, resumed in one process only (resume.test.ts): the checkpoint
 * bytes are those a file holds, and the cross-process test keeps to the scenarios above.
 */
export const stabiliserScenarios: Record<string, ResumeScenario> = {
  // The stabilisers' state: spectral-norm vectors (buffers of the critic), the generator's moving
  // average (weights `ema/…` and the count in getState) and the label-smoothing clock; the
  // flips draw from the loss rng.
  'Gan.mlp with spectral norm, EMA, R2, label flipping and decaying label smoothing': {
    build: (seed) =>
      Gan.mlp({
        dataSize: 2,
        latentSize: 3,
        hiddenSizes: [8],
        loss: 'non-saturating',
        spectralNorm: true,
        ema: { decay: 0.8, start: 3 },
        r2Penalty: 0.5,
        labelFlip: 0.2,
        labelSmoothing: { value: 0.8, decaySteps: 30 },
        seed,
      }),
    data,
    options: () => ({
      batchSize: 16,
      discriminatorSteps: 2,
      learningRate: 1e-2,
      rng: Rng.fromSeed(7),
    }),
  },
  // Running statistics in the critic too, spectrally normalised convolutions.
  'Gan.dcgan with batch normalisation and spectral norm in the discriminator': {
    build: (seed) =>
      Gan.dcgan({
        latentSize: 4,
        width: 2,
        discriminatorBatchNorm: true,
        spectralNorm: true,
        loss: 'hinge',
        seed,
      }),
    data: () => Rng.fromSeed(8).uniform([32, 784]),
    options: () => ({ batchSize: 8, learningRate: 1e-2, rng: Rng.fromSeed(9) }),
  },
};

/** Every weight as plain numbers, by name. */
export async function weightValues(gan: Gan): Promise<Record<string, number[]>> {
  const weights = gan.getWeights();
  const out: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(weights)) {
    out[name] = Array.from(await t.data());
    t.dispose();
  }
  return out;
}

/** The largest |a − b| over every weight (Infinity when the names differ). */
export function maxAbsDifference(a: Record<string, number[]>, b: Record<string, number[]>): number {
  const names = Object.keys(a).sort();
  if (names.join('\n') !== Object.keys(b).sort().join('\n')) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (const name of names) {
    a[name]!.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(v - b[name]![i]!));
    });
  }
  return worst;
}
