/**
 * Rendering of the density playground (Observable Plot): the heatmap (log-density or ELBO,
 * clipped to 10 nats below its maximum, or the discriminator's logit) as a raster, the data
 * (coloured by GMM cluster when there is one) and, optionally, the model's samples.
 */
import * as Plot from '@observablehq/plot';
import { axisFormat } from '../../shell/format.js';
import { clusterColor } from './grid.js';
import type { HeatKind } from './model.js';

/** Everything one frame shows, in data units. */
export interface Frame {
  extent: number;
  gridSize: number;
  heat: Float32Array;
  heatKind: HeatKind;
  data: readonly number[][];
  clusters: Int32Array | null;
  samples: readonly number[][];
}

/** The colour legend's label for each heat kind. */
export const HEAT_LABELS: Record<HeatKind, string> = {
  'log-density': 'log p(x)',
  elbo: 'ELBO (≤ log p(x))',
  discriminator: 'D(x) logit',
};

/**
 * Log-densities (and ELBOs) below max − 10 nats are shown as max − 10 (else one spike hides the
 * rest).
 */
export function clipHeat(heat: Float32Array, kind: HeatKind): Float32Array {
  if (kind === 'discriminator') return heat;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of heat) if (v > max) max = v;
  return heat.map((v) => (Number.isFinite(v) ? Math.max(v, max - 10) : max - 10));
}

interface Shown {
  p: readonly number[];
  k: number;
}

/** Data rows grouped by cluster (k = −1: no clusters). */
function groups(data: readonly Shown[]): [number, Shown[]][] {
  const byK = new Map<number, Shown[]>();
  for (const d of data) byK.set(d.k, [...(byK.get(d.k) ?? []), d]);
  return [...byK.entries()];
}

/** The model's samples: red dots, fainter and under the data when the data show clusters. */
function sampleMark(frame: Frame, inside: (p: readonly number[]) => boolean): Plot.Markish {
  const clustered = frame.clusters !== null;
  return Plot.dot(frame.samples.filter(inside), {
    x: (p) => p[0],
    y: (p) => p[1],
    r: clustered ? 1.1 : 1.6,
    fill: '#ff3b30',
    fillOpacity: clustered ? 0.35 : 0.7,
  });
}

/**
 * The frame as an SVG figure `size` pixels square; `showSamples: false` leaves the samples out
 * (the GMM's cluster colours then show alone).
 */
export function densityPlot(frame: Frame, size: number, showSamples = true): Element {
  const e = frame.extent;
  const clustered = frame.clusters !== null;
  const label = HEAT_LABELS[frame.heatKind];
  const inside = (p: readonly number[]) => Math.abs(p[0]!) <= e && Math.abs(p[1]!) <= e;
  const samples = showSamples ? [sampleMark(frame, inside)] : [];
  const data = frame.data
    .map((p, i) => ({ p, k: frame.clusters?.[i] ?? -1 }))
    .filter((d) => inside(d.p));
  return Plot.plot({
    width: size,
    height: size,
    marginLeft: 36,
    x: { domain: [-e, e], label: 'x₁', tickFormat: axisFormat },
    y: { domain: [-e, e], label: 'x₂', tickFormat: axisFormat },
    color: { scheme: 'viridis', legend: true, label, tickFormat: axisFormat },
    marks: [
      Plot.raster(Array.from(clipHeat(frame.heat, frame.heatKind)), {
        width: frame.gridSize,
        height: frame.gridSize,
        x1: -e,
        x2: e,
        y1: -e,
        y2: e,
        fill: (v: number) => v,
        // The browser's smooth (bilinear) scaling of the grid image: no blocky cells.
        imageRendering: 'auto',
      }),
      // Clustered data go on top of the samples, so the cluster colours stay visible.
      ...(clustered ? samples : []),
      // One mark per cluster with a constant (literal) fill: the colour scale is the heatmap's.
      ...groups(data).map(([k, rows]) =>
        Plot.dot(rows, {
          x: (d) => d.p[0],
          y: (d) => d.p[1],
          r: clustered ? 2 : 1.4,
          fill: k < 0 ? '#ffffff' : clusterColor(k),
          fillOpacity: clustered ? 0.95 : 0.8,
        }),
      ),
      ...(clustered ? [] : samples),
    ],
  });
}
