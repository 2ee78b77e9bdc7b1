import { Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { drawDigits, latentGrid } from './images.js';
import { type LatentPoint, latentMapPlot, latentPoints } from './latent-map.js';
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

/** Where the panels draw. */
export interface PanelTargets {
  reconstructions: HTMLCanvasElement;
  samples: HTMLCanvasElement;
  manifold: HTMLCanvasElement;
  interpolation: HTMLCanvasElement;
  latentMap: HTMLElement;
  latentNote: HTMLElement;
}

/** The two test digits (indices into the test set) to interpolate between. */
export type Endpoints = readonly [number, number];

/** Runs every panel's decoder/encoder passes on the backend; the caller owns the tensors. */
function computePanels(trainer: VaeTrainer, data: MnistTensors, ends: Endpoints) {
  const { vae } = trainer;
  const L = vae.latentSize;
  return tf.tidy(() => {
    const inputs = tf.slice(data.test, [0, 0], [RECON_COUNT, -1]);
    const row = (i: number) => tf.slice(data.test, [i, 0], [1, -1]);
    const mapCount = Math.min(MAP_POINTS, data.test.shape[0]);
    return {
      reconstructions: tf.concat([inputs, vae.reconstruct(inputs)]),
      samples: vae.sample(SAMPLE_COUNT, Rng.fromSeed(11)),
      manifold: vae.decode(tf.tensor2d(latentGrid(GRID, GRID_SPAN, L), [GRID * GRID, L])),
      interpolation: vae.interpolate(row(ends[0]), row(ends[1]), INTERP_STEPS),
      means: vae.encode(tf.slice(data.test, [0, 0], [mapCount, -1])).mean,
    };
  });
}

/**
 * Redraws the digit panels from the current model: reconstructions (inputs above outputs), prior
 * samples, the manifold grid and the interpolation strip, and resolves with the latent map's
 * points (the caller draws the map, which it redraws alone on a click). Reads results with
 * `await data()`; resolves with undefined without drawing when `stopped()` turns true meanwhile.
 */
export async function renderPanels(
  trainer: VaeTrainer,
  data: MnistTensors,
  ends: Endpoints,
  targets: PanelTargets,
  stopped: () => boolean,
): Promise<LatentPoint[] | undefined> {
  const tensors = computePanels(trainer, data, ends);
  try {
    const [recon, samples, manifold, interp, means] = await Promise.all([
      tensors.reconstructions.data(),
      tensors.samples.data(),
      tensors.manifold.data(),
      tensors.interpolation.data(),
      tensors.means.data(),
    ]);
    if (stopped()) return undefined;
    drawDigits(targets.reconstructions, recon, 2 * RECON_COUNT, RECON_COUNT);
    drawDigits(targets.samples, samples, SAMPLE_COUNT, SAMPLE_COUNT / 2);
    drawDigits(targets.manifold, manifold, GRID * GRID, GRID);
    drawDigits(targets.interpolation, interp, INTERP_STEPS, INTERP_STEPS);
    const L = trainer.vae.latentSize;
    const points = latentPoints(means, L, data.testLabels);
    targets.latentNote.textContent =
      L === 2
        ? `Posterior means of ${points.length} test digits.`
        : `Latent size ${L}: showing the first two of ${L} dimensions (z₁, z₂) of ${points.length} test digits; the manifold varies z₁, z₂ with the others at 0.`;
    return points;
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** Redraws only the interpolation strip (after a new pair of endpoints); false when stopped. */
export async function renderInterpolation(
  trainer: VaeTrainer,
  data: MnistTensors,
  ends: Endpoints,
  target: HTMLCanvasElement,
  stopped: () => boolean,
): Promise<boolean> {
  const interpolation = tf.tidy(() => {
    const row = (i: number) => tf.slice(data.test, [i, 0], [1, -1]);
    return trainer.vae.interpolate(row(ends[0]), row(ends[1]), INTERP_STEPS);
  });
  try {
    const values = await interpolation.data();
    if (stopped()) return false;
    drawDigits(target, values, INTERP_STEPS, INTERP_STEPS);
    return true;
  } finally {
    interpolation.dispose();
  }
}

/** Draws the latent map into `target` at its container's width. */
export function drawLatentMap(
  target: HTMLElement,
  points: readonly LatentPoint[],
  ends: Endpoints,
): void {
  const width = Math.max(260, target.clientWidth || 360);
  target.replaceChildren(latentMapPlot(points, ends, width));
}
