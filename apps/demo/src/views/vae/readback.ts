/**
 * The VAE view's read-backs, run where the model lives (the training worker): every panel's
 * decoder/encoder passes on the backend, read back as Float32Arrays with buffers of their own
 * (so they can be moved to the page). No DOM here; `panels.ts` draws them on the page.
 */
import { type Batch, Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { latentGrid } from './images.js';
import type { MnistTensors } from './mnist-tensors.js';
import { DIGITS, oneHotDigits, type VaeTrainer } from './trainer.js';

/** Test digits shown with their reconstructions. */
export const RECON_COUNT = 8;
/** Samples from the prior. */
export const SAMPLE_COUNT = 16;
/**
 * A conditional model's samples: one row per digit 0–9 of this many, column j decoding the same
 * draw z_j ~ N(0, I) under each digit's condition.
 */
export const SAMPLES_PER_DIGIT = 10;
/** The manifold image is GRID × GRID decoded latent points. */
export const GRID = 12;
/** Half-width of the manifold's latent span. */
export const GRID_SPAN = 2;
/** Images along the interpolation. */
export const INTERP_STEPS = 10;
/** Test digits on the latent map. */
export const MAP_POINTS = 500;

/** The two test digits (indices into the test set) to interpolate between. */
export type Endpoints = readonly [number, number];

/** What the panels draw: pixel intensities in [0, 1] (28×28 images one after another). */
export interface PanelData {
  /** {@link RECON_COUNT} test digits, then their reconstructions. */
  reconstructions: Float32Array;
  /**
   * {@link SAMPLE_COUNT} decoded prior samples (a fixed draw); for a conditional model
   * {@link DIGITS} rows of {@link SAMPLES_PER_DIGIT}, digit 0 first.
   */
  samples: Float32Array;
  /**
   * {@link GRID}² images decoded on the grid over z₁, z₂ (a conditional model: under the label
   * of the interpolation's start digit).
   */
  manifold: Float32Array;
  /** {@link INTERP_STEPS} images between the endpoints' posterior means. */
  interpolation: Float32Array;
  /** Posterior means of the first {@link MAP_POINTS} test digits, [n, latentSize] row-major. */
  means: Float32Array;
}

/** A copy with a buffer of its own (a backend's read-back may view memory it keeps). */
const own = (values: tf.TypedArray): Float32Array => Float32Array.from(values as Float32Array);

/** Clamps an endpoint into the test set (the page's fields allow up to MAP_POINTS − 1). */
export function testIndex(data: MnistTensors, i: number): number {
  return Math.min(Math.max(0, Math.trunc(i)), data.test.shape[0] - 1);
}

/** Test digit `i` (clamped) as the model takes it: [1, 784], with its one-hot label if conditional. */
function exampleOf(trainer: VaeTrainer, data: MnistTensors, i: number): Batch {
  const at = testIndex(data, i);
  const x = tf.slice(data.test, [at, 0], [1, -1]);
  const c = trainer.conditions;
  return c === undefined ? x : { x, condition: tf.slice(c.test, [at, 0], [1, -1]) };
}

/** The first `n` test digits as the model takes them (with their labels if conditional). */
function firstTest(trainer: VaeTrainer, data: MnistTensors, n: number): Batch {
  const x = tf.slice(data.test, [0, 0], [n, -1]);
  const c = trainer.conditions;
  return c === undefined ? x : { x, condition: tf.slice(c.test, [0, 0], [n, -1]) };
}

/**
 * A conditional model's samples: for each digit d = 0…9, {@link SAMPLES_PER_DIGIT} draws
 * `vae.sample(·, rng, { condition: one-hot(d) })` from the same seed, so column j has the same
 * z under every digit. [DIGITS · SAMPLES_PER_DIGIT, 784], digit 0's row first.
 */
export function digitSamples(trainer: VaeTrainer, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const rows = Array.from({ length: DIGITS }, (_, digit) =>
      trainer.vae.sample(SAMPLES_PER_DIGIT, Rng.fromSeed(seed), {
        condition: oneHotDigits([digit]),
      }),
    );
    return tf.concat(rows);
  });
}

/** Reads every panel of the current model (one batch of read-backs); disposes what it made. */
export async function readPanels(
  trainer: VaeTrainer,
  data: MnistTensors,
  ends: Endpoints,
): Promise<PanelData> {
  const { vae } = trainer;
  const L = vae.latentSize;
  const tensors = tf.tidy(() => {
    const inputs = firstTest(trainer, data, RECON_COUNT);
    const mapCount = Math.min(MAP_POINTS, data.test.shape[0]);
    const grid = tf.tensor2d(latentGrid(GRID, GRID_SPAN, L), [GRID * GRID, L]);
    const start = exampleOf(trainer, data, ends[0]);
    return {
      reconstructions: tf.concat([
        inputs instanceof tf.Tensor ? inputs : inputs.x,
        vae.reconstruct(inputs),
      ]),
      samples:
        trainer.conditions === undefined
          ? vae.sample(SAMPLE_COUNT, Rng.fromSeed(11))
          : digitSamples(trainer, 11),
      manifold:
        start instanceof tf.Tensor
          ? vae.decode(grid)
          : vae.decode(grid, { condition: start.condition }),
      interpolation: vae.interpolate(start, exampleOf(trainer, data, ends[1]), INTERP_STEPS),
      means: vae.encode(firstTest(trainer, data, mapCount)).mean,
    };
  });
  try {
    const [reconstructions, samples, manifold, interpolation, means] = await Promise.all([
      tensors.reconstructions.data(),
      tensors.samples.data(),
      tensors.manifold.data(),
      tensors.interpolation.data(),
      tensors.means.data(),
    ]);
    return {
      reconstructions: own(reconstructions),
      samples: own(samples),
      manifold: own(manifold),
      interpolation: own(interpolation),
      means: own(means),
    };
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** Reads only the interpolation strip between the endpoints' posterior means. */
export async function readInterpolation(
  trainer: VaeTrainer,
  data: MnistTensors,
  ends: Endpoints,
): Promise<Float32Array> {
  const interpolation = tf.tidy(() =>
    trainer.vae.interpolate(
      exampleOf(trainer, data, ends[0]),
      exampleOf(trainer, data, ends[1]),
      INTERP_STEPS,
    ),
  );
  try {
    return own(await interpolation.data());
  } finally {
    interpolation.dispose();
  }
}

/** The buffers of `panels`, to move them to the page. */
export function panelBuffers(panels: PanelData): ArrayBufferLike[] {
  return [
    panels.reconstructions.buffer,
    panels.samples.buffer,
    panels.manifold.buffer,
    panels.interpolation.buffer,
    panels.means.buffer,
  ];
}
