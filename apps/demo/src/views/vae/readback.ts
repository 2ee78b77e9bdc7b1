/**
 * The VAE view's read-backs, run where the model lives (the training worker): every panel's
 * decoder/encoder passes on the backend, read back as Float32Arrays with buffers of their own
 * (so they can be moved to the page). No DOM here; `panels.ts` draws them on the page.
 */
import { Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { latentGrid } from './images.js';
import type { MnistTensors } from './mnist-tensors.js';
import type { VaeTrainer } from './trainer.js';

/** Test digits shown with their reconstructions. */
export const RECON_COUNT = 8;
/** Samples from the prior. */
export const SAMPLE_COUNT = 16;
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
  /** {@link SAMPLE_COUNT} decoded prior samples (a fixed draw). */
  samples: Float32Array;
  /** {@link GRID}² images decoded on the grid over z₁, z₂. */
  manifold: Float32Array;
  /** {@link INTERP_STEPS} images between the endpoints' posterior means. */
  interpolation: Float32Array;
  /** Posterior means of the first {@link MAP_POINTS} test digits, [n, latentSize] row-major. */
  means: Float32Array;
}

/** A copy with a buffer of its own (a backend's read-back may view memory it keeps). */
const own = (values: tf.TypedArray): Float32Array => Float32Array.from(values as Float32Array);

/** Clamps the endpoints into the test set (the page's fields allow up to MAP_POINTS − 1). */
function rowOf(data: MnistTensors, i: number): tf.Tensor2D {
  const n = data.test.shape[0];
  const at = Math.min(Math.max(0, Math.trunc(i)), n - 1);
  return tf.slice(data.test, [at, 0], [1, -1]);
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
    const inputs = tf.slice(data.test, [0, 0], [RECON_COUNT, -1]);
    const mapCount = Math.min(MAP_POINTS, data.test.shape[0]);
    return {
      reconstructions: tf.concat([inputs, vae.reconstruct(inputs)]),
      samples: vae.sample(SAMPLE_COUNT, Rng.fromSeed(11)),
      manifold: vae.decode(tf.tensor2d(latentGrid(GRID, GRID_SPAN, L), [GRID * GRID, L])),
      interpolation: vae.interpolate(rowOf(data, ends[0]), rowOf(data, ends[1]), INTERP_STEPS),
      means: vae.encode(tf.slice(data.test, [0, 0], [mapCount, -1])).mean,
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
    trainer.vae.interpolate(rowOf(data, ends[0]), rowOf(data, ends[1]), INTERP_STEPS),
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
