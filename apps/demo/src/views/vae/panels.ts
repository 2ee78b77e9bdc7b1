/**
 * Draws the VAE view's panels on the page from the read-backs the training worker moved over
 * (`readback.ts`): reconstructions, prior samples, the manifold grid, the interpolation strip
 * and the latent map.
 */
import { drawDigits } from './images.js';
import { type LatentPoint, latentMapPlot, latentPoints } from './latent-map.js';
import {
  type Endpoints,
  GRID,
  INTERP_STEPS,
  type PanelData,
  RECON_COUNT,
  SAMPLE_COUNT,
} from './readback.js';

export {
  type Endpoints,
  GRID,
  GRID_SPAN,
  INTERP_STEPS,
  MAP_POINTS,
  type PanelData,
  RECON_COUNT,
  SAMPLE_COUNT,
} from './readback.js';

/** Where the panels draw. */
export interface PanelTargets {
  reconstructions: HTMLCanvasElement;
  samples: HTMLCanvasElement;
  manifold: HTMLCanvasElement;
  interpolation: HTMLCanvasElement;
  latentMap: HTMLElement;
  latentNote: HTMLElement;
}

/**
 * Draws the digit panels of `panels` (reconstructions: inputs above outputs, prior samples, the
 * manifold grid, the interpolation strip) and returns the latent map's points (the caller draws
 * the map, which it redraws alone on a click).
 */
export function drawPanels(
  panels: PanelData,
  latentSize: number,
  testLabels: ArrayLike<number>,
  targets: PanelTargets,
): LatentPoint[] {
  drawDigits(targets.reconstructions, panels.reconstructions, 2 * RECON_COUNT, RECON_COUNT);
  drawDigits(targets.samples, panels.samples, SAMPLE_COUNT, SAMPLE_COUNT / 2);
  drawDigits(targets.manifold, panels.manifold, GRID * GRID, GRID);
  drawInterpolation(targets.interpolation, panels.interpolation);
  const L = latentSize;
  const points = latentPoints(panels.means, L, testLabels);
  targets.latentNote.textContent =
    L === 2
      ? `Posterior means of ${points.length} test digits.`
      : `Latent size ${L}: showing the first two of ${L} dimensions (z₁, z₂) of ${points.length} test digits; the manifold varies z₁, z₂ with the others at 0.`;
  return points;
}

/** Draws the interpolation strip. */
export function drawInterpolation(target: HTMLCanvasElement, values: Float32Array): void {
  drawDigits(target, values, INTERP_STEPS, INTERP_STEPS);
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
