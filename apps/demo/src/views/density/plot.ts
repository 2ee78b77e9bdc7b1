/**
 * Rendering of the density playground: the heatmap (log-density or ELBO, clipped to 10 nats
 * below its maximum, or the discriminator's logit) as an Observable Plot raster with its axes and
 * colour legend, and on a canvas over it the data (coloured by GMM cluster when there is one)
 * and, optionally, the model's samples.
 */
import * as Plot from '@observablehq/plot';
import { h } from '../../shell/dom.js';
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

/** A dot layer: points in data units, one radius, colour and opacity. */
interface DotLayer {
  points: readonly (readonly number[])[];
  r: number;
  fill: string;
  opacity: number;
}

/**
 * The dot layers in drawing order: the model's samples (red; fainter and under the data when the
 * data show clusters) and the data, one layer per cluster (k = −1: white, no clusters).
 */
function dotLayers(
  frame: Frame,
  showSamples: boolean,
): { layers: DotLayer[]; data: number; samples: number } {
  const e = frame.extent;
  const clustered = frame.clusters !== null;
  const inside = (p: readonly number[]) => Math.abs(p[0]!) <= e && Math.abs(p[1]!) <= e;
  const samples: DotLayer[] = showSamples
    ? [
        {
          points: frame.samples.filter(inside),
          r: clustered ? 1.1 : 1.6,
          fill: '#ff3b30',
          opacity: clustered ? 0.35 : 0.7,
        },
      ]
    : [];
  const byK = new Map<number, (readonly number[])[]>();
  let data = 0;
  frame.data.forEach((p, i) => {
    if (!inside(p)) return;
    const k = frame.clusters?.[i] ?? -1;
    const rows = byK.get(k) ?? [];
    if (rows.length === 0) byK.set(k, rows);
    rows.push(p);
    data += 1;
  });
  const dataLayers = [...byK.entries()].map(([k, points]) => ({
    points,
    r: clustered ? 2 : 1.4,
    fill: k < 0 ? '#ffffff' : clusterColor(k),
    opacity: clustered ? 0.95 : 0.8,
  }));
  // Clustered data go on top of the samples, so the cluster colours stay visible.
  return {
    layers: clustered ? [...samples, ...dataLayers] : [...dataLayers, ...samples],
    data,
    samples: samples[0]?.points.length ?? 0,
  };
}

/** An Observable Plot figure with its scales (`Plot.plot`'s result). */
interface ScaledPlot extends SVGSVGElement {
  scale(name: 'x' | 'y'): { apply: (value: number) => number };
  legend(name: 'color'): Element | undefined;
}

/** The drawn frame: its element, the figure whose scales map the pointer, what the dots are. */
export interface DrawnFrame {
  /** The colour legend, and the heatmap's figure with the dots' canvas laid over it. */
  element: HTMLElement;
  /** The Observable Plot figure (axes and heatmap) whose scales `pointerToData` reads. */
  figure: SVGSVGElement;
  /** Data points drawn on the canvas. */
  dataPoints: number;
  /** Model samples drawn on the canvas (0 while hidden). */
  samplePoints: number;
}

/**
 * The frame `size` pixels square: the heatmap and the axes as an Observable Plot figure, the
 * data and samples on a canvas over it (hundreds of SVG circles per redraw cost the page its
 * frame rate); `showSamples: false` leaves the samples out (the GMM's cluster colours then show
 * alone).
 */
export function densityPlot(frame: Frame, size: number, showSamples = true): DrawnFrame {
  const e = frame.extent;
  const label = HEAT_LABELS[frame.heatKind];
  const figure = Plot.plot({
    width: size,
    height: size,
    marginLeft: 36,
    x: { domain: [-e, e], label: 'x₁', tickFormat: axisFormat },
    y: { domain: [-e, e], label: 'x₂', tickFormat: axisFormat },
    color: { scheme: 'viridis', label, tickFormat: axisFormat },
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
    ],
  }) as ScaledPlot;
  const { layers, data, samples } = dotLayers(frame, showSamples);
  const canvas = h('canvas', { class: 'density-dots' });
  const ratio = Math.max(1, globalThis.devicePixelRatio || 1);
  canvas.width = Math.round(size * ratio);
  canvas.height = Math.round(size * ratio);
  // Drawn on the CPU: the canvas changes twice a second at most, and an accelerated one cost
  // the page frames where the GPU is emulated (headless Chromium on SwiftShader).
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (ctx !== null) {
    ctx.scale(ratio, ratio);
    const x = figure.scale('x').apply;
    const y = figure.scale('y').apply;
    for (const layer of layers) {
      ctx.globalAlpha = layer.opacity;
      ctx.fillStyle = layer.fill;
      // One fill per dot: overlapping translucent dots darken as the SVG circles did.
      for (const p of layer.points) {
        ctx.beginPath();
        ctx.arc(x(p[0]!), y(p[1]!), layer.r, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  }
  const legend = figure.legend('color');
  const element = h(
    'div',
    { class: 'density-figure', style: `max-width: ${size}px` },
    ...(legend === undefined ? [] : [legend]),
    h('div', { class: 'density-layers' }, figure, canvas),
  );
  return { element, figure, dataPoints: data, samplePoints: samples };
}
