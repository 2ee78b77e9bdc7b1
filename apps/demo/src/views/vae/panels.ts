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
  SAMPLES_PER_DIGIT,
} from './readback.js';
import { DIGITS } from './trainer.js';

export {
  type Endpoints,
  GRID,
  GRID_SPAN,
  INTERP_STEPS,
  MAP_POINTS,
  type PanelData,
  RECON_COUNT,
  SAMPLE_COUNT,
  SAMPLES_PER_DIGIT,
} from './readback.js';

/** Where the panels draw. */
export interface PanelTargets {
  reconstructions: HTMLCanvasElement;
  samples: HTMLCanvasElement;
  /** Holds the samples canvas and its row labels (class `conditional` when they show). */
  samplesBox: HTMLElement;
  /** The row labels 0–9 beside a conditional model's samples. */
  sampleLabels: HTMLElement[];
  /** Says what the samples show. */
  samplesNote: HTMLElement;
  /** Says what the manifold decodes. */
  manifoldNote: HTMLElement;
  manifold: HTMLCanvasElement;
  interpolation: HTMLCanvasElement;
  latentMap: HTMLElement;
  latentNote: HTMLElement;
}

/** What the panels were read from: the model's latent size, whether it is conditional, and the interpolation's start. */
export interface PanelModel {
  latentSize: number;
  /** A conditional VAE on the digit labels. */
  conditional: boolean;
  /** The interpolation's start (a test digit index): a conditional manifold uses its label. */
  start: number;
}

/**
 * Draws the digit panels of `panels` (reconstructions: inputs above outputs, prior samples, the
 * manifold grid, the interpolation strip) and returns the latent map's points (the caller draws
 * the map, which it redraws alone on a click). A conditional model's samples are one labelled
 * row per digit.
 */
export function drawPanels(
  panels: PanelData,
  model: PanelModel,
  testLabels: ArrayLike<number>,
  targets: PanelTargets,
): LatentPoint[] {
  const { latentSize: L, conditional } = model;
  drawDigits(targets.reconstructions, panels.reconstructions, 2 * RECON_COUNT, RECON_COUNT);
  drawSamples(targets, panels.samples, conditional);
  drawDigits(targets.manifold, panels.manifold, GRID * GRID, GRID);
  drawInterpolation(targets.interpolation, panels.interpolation);
  const points = latentPoints(panels.means, L, testLabels);
  const start = Math.min(Math.max(0, model.start), testLabels.length - 1);
  targets.manifoldNote.textContent = conditional
    ? `Decoded under the label of the interpolation's start, test digit #${start} (a ${testLabels[start]}).`
    : '';
  const given = conditional
    ? ' The model is given each digit’s label, so the codes need not separate the classes: they hold the style (slant, width, stroke).'
    : '';
  targets.latentNote.textContent =
    (L === 2
      ? `Posterior means of ${points.length} test digits.`
      : `Latent size ${L}: showing the first two of ${L} dimensions (z₁, z₂) of ${points.length} test digits; the manifold varies z₁, z₂ with the others at 0.`) +
    given;
  return points;
}

/**
 * Draws the prior samples: {@link SAMPLE_COUNT} in two rows, or a conditional model's
 * {@link DIGITS} rows of {@link SAMPLES_PER_DIGIT}, each row labelled with its digit.
 */
function drawSamples(targets: PanelTargets, values: Float32Array, conditional: boolean): void {
  const { samples, samplesBox, sampleLabels, samplesNote } = targets;
  if (conditional) {
    drawDigits(samples, values, DIGITS * SAMPLES_PER_DIGIT, SAMPLES_PER_DIGIT);
  } else {
    drawDigits(samples, values, SAMPLE_COUNT, SAMPLE_COUNT / 2);
  }
  samplesBox.classList.toggle('conditional', conditional);
  // Ten rows of ten would be as tall as they are wide at the card's width: kept smaller.
  samples.style.maxWidth = conditional ? '360px' : '640px';
  for (const label of sampleLabels) label.hidden = !conditional;
  samples.setAttribute(
    'aria-label',
    conditional
      ? 'Samples decoded from the prior, one row per digit 0 to 9'
      : 'Samples decoded from the prior',
  );
  samplesNote.textContent = conditional
    ? `One row per digit: the condition c is its one-hot label. Column j decodes the same draw z ~ N(0, I) under every digit, so a column keeps one style.`
    : '';
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
