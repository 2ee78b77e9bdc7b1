/**
 * Rendering of the density playground: the heatmap (log-density or ELBO, clipped to 10 nats
 * below its maximum, or the discriminator's logit) on a canvas of one pixel per grid cell, which
 * the browser scales smoothly over the plotting area; around it an Observable Plot frame (axes
 * and colour legend), rebuilt only when what it shows changes; and on a canvas over both the data
 * (coloured by GMM cluster when there is one) and, optionally, the model's samples.
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
  scale(name: 'color'): { apply: (value: number) => string; domain: number[] };
  legend(name: 'color'): Element | undefined;
}

/** The drawn frame: its element, the figure whose scales map the pointer, what the dots are. */
export interface DrawnFrame {
  /** The colour legend, and the figure with the heatmap's and the dots' canvases laid over it. */
  element: HTMLElement;
  /** The Observable Plot figure (axes) whose scales `pointerToData` reads. */
  figure: SVGSVGElement;
  /** Heatmap cells drawn (grid size squared). */
  heatCells: number;
  /** Data points drawn on the canvas. */
  dataPoints: number;
  /** Model samples drawn on the canvas (0 while hidden). */
  samplePoints: number;
  /** Whether this redraw built a new Observable Plot frame (axes and legend). */
  rebuilt: boolean;
}

/**
 * Part of the colour scale's span by which the heat's range may move before the frame (and its
 * legend) is rebuilt; until then values past the legend's ends take its end colours.
 */
const DOMAIN_TOLERANCE = 0.02;

/** Entries of the colour lookup table (the viridis scheme is a ramp of 256 colours). */
const LUT_SIZE = 256;

/** The finite range [lo, hi] of `values` (undefined when none is finite). */
function finiteRange(values: Float32Array): [number, number] | undefined {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** What the Observable Plot frame shows: a new frame when any of it changes. */
interface FrameKey {
  size: number;
  extent: number;
  heatKind: HeatKind;
  domain: [number, number];
}

function sameFrame(a: FrameKey, b: FrameKey): boolean {
  if (a.size !== b.size || a.extent !== b.extent || a.heatKind !== b.heatKind) return false;
  const span = Math.max(a.domain[1] - a.domain[0], b.domain[1] - b.domain[0]);
  const tolerance = DOMAIN_TOLERANCE * span;
  return (
    Math.abs(a.domain[0] - b.domain[0]) <= tolerance &&
    Math.abs(a.domain[1] - b.domain[1]) <= tolerance
  );
}

/** The frame's parts kept between redraws. */
interface Built {
  key: FrameKey;
  figure: ScaledPlot;
  element: HTMLElement;
  /** RGBA of the colour scale at `LUT_SIZE` evenly spaced points of its domain. */
  lut: Uint8ClampedArray;
  domain: [number, number];
}

/**
 * The density plot of a view: `draw` shows a frame `size` pixels square. The heatmap is a
 * canvas of one pixel per grid cell, scaled smoothly by the browser over the plotting area; the
 * data and samples are dots on a canvas over it (hundreds of SVG circles per redraw cost the page
 * its frame rate); the axes and the colour legend are an Observable Plot figure, rebuilt only when
 * the size, the extent, the heat kind or (by more than `DOMAIN_TOLERANCE`) the colour scale's
 * domain changes. `showSamples: false` leaves the samples out (the GMM's cluster colours then
 * show alone).
 */
export class DensityPlot {
  private built: Built | undefined;
  private readonly heatCanvas = h('canvas', { class: 'density-heat' });
  private readonly dotsCanvas = h('canvas', { class: 'density-dots' });
  private image: ImageData | undefined;

  draw(frame: Frame, size: number, showSamples = true): DrawnFrame {
    const heat = clipHeat(frame.heat, frame.heatKind);
    const range = finiteRange(heat) ?? [0, 1];
    const key: FrameKey = { size, extent: frame.extent, heatKind: frame.heatKind, domain: range };
    const rebuilt = this.built === undefined || !sameFrame(this.built.key, key);
    if (rebuilt) this.built = this.build(key);
    const built = this.built!;
    this.paintHeat(heat, frame.gridSize, built);
    const { data, samples } = this.paintDots(frame, size, showSamples, built.figure);
    return {
      element: built.element,
      figure: built.figure,
      heatCells: frame.gridSize * frame.gridSize,
      dataPoints: data,
      samplePoints: samples,
      rebuilt,
    };
  }

  /** A new Observable Plot frame (axes, legend) for `key`, the canvases laid over it. */
  private build(key: FrameKey): Built {
    const e = key.extent;
    const size = key.size;
    const figure = Plot.plot({
      width: size,
      height: size,
      marginLeft: 36,
      x: { domain: [-e, e], label: 'x₁', tickFormat: axisFormat },
      y: { domain: [-e, e], label: 'x₂', tickFormat: axisFormat },
      color: {
        type: 'linear',
        scheme: 'viridis',
        domain: key.domain,
        label: HEAT_LABELS[key.heatKind],
        tickFormat: axisFormat,
      },
      marks: [],
    }) as ScaledPlot;
    // The heatmap's canvas covers the plotting area, in percent of the figure (which may shrink).
    const x = figure.scale('x').apply;
    const y = figure.scale('y').apply;
    const left = Math.min(x(-e), x(e));
    const top = Math.min(y(-e), y(e));
    const pct = (v: number) => `${(100 * v) / size}%`;
    Object.assign(this.heatCanvas.style, {
      left: pct(left),
      top: pct(top),
      width: pct(Math.abs(x(e) - x(-e))),
      height: pct(Math.abs(y(e) - y(-e))),
    });
    const color = figure.scale('color');
    const domain: [number, number] = [color.domain[0]!, color.domain[1]!];
    const legend = figure.legend('color');
    const element = h(
      'div',
      { class: 'density-figure', style: `max-width: ${size}px` },
      ...(legend === undefined ? [] : [legend]),
      h('div', { class: 'density-layers' }, this.heatCanvas, figure, this.dotsCanvas),
    );
    return { key, figure, element, lut: colorTable(color.apply, domain), domain };
  }

  /** The heat, one pixel per cell, coloured through the frame's colour scale. */
  private paintHeat(heat: Float32Array, n: number, built: Built): void {
    const canvas = this.heatCanvas;
    if (canvas.width !== n || canvas.height !== n) {
      canvas.width = n;
      canvas.height = n;
      this.image = undefined;
    }
    // On the CPU, like the dots: a small canvas redrawn twice a second at most.
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (ctx === null) return;
    this.image ??= ctx.createImageData(n, n);
    const pixels = this.image.data;
    const [d0, d1] = built.domain;
    const span = d1 - d0;
    const lut = built.lut;
    for (let j = 0; j < n; j += 1) {
      // Grid row j is y_j, from the bottom up; the canvas's rows go from the top down.
      const row = (n - 1 - j) * n;
      for (let i = 0; i < n; i += 1) {
        const v = heat[j * n + i]!;
        const p = (row + i) * 4;
        if (!Number.isFinite(v)) {
          pixels[p + 3] = 0;
          continue;
        }
        const t = span > 0 ? (v - d0) / span : 0.5;
        const k = 4 * Math.max(0, Math.min(LUT_SIZE - 1, Math.floor(t * LUT_SIZE)));
        pixels[p] = lut[k]!;
        pixels[p + 1] = lut[k + 1]!;
        pixels[p + 2] = lut[k + 2]!;
        pixels[p + 3] = 255;
      }
    }
    ctx.putImageData(this.image, 0, 0);
  }

  /** The data and samples, as dots on the canvas over the figure. */
  private paintDots(
    frame: Frame,
    size: number,
    showSamples: boolean,
    figure: ScaledPlot,
  ): { data: number; samples: number } {
    const { layers, data, samples } = dotLayers(frame, showSamples);
    const canvas = this.dotsCanvas;
    const ratio = Math.max(1, globalThis.devicePixelRatio || 1);
    const side = Math.round(size * ratio);
    if (canvas.width !== side || canvas.height !== side) {
      canvas.width = side;
      canvas.height = side;
    }
    // Drawn on the CPU: the canvas changes twice a second at most, and an accelerated one cost
    // the page frames where the GPU is emulated (headless Chromium on SwiftShader).
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (ctx === null) return { data, samples };
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, side, side);
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
    return { data, samples };
  }
}

/**
 * RGBA of the colour scale `apply` at the middle of each of `LUT_SIZE` equal parts of its
 * domain [d0, d1] (the canvas parses whatever colour syntax the scale returns).
 */
function colorTable(
  apply: (value: number) => string,
  [d0, d1]: [number, number],
): Uint8ClampedArray {
  const canvas = h('canvas');
  canvas.width = LUT_SIZE;
  canvas.height = 1;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (ctx === null) return new Uint8ClampedArray(4 * LUT_SIZE);
  for (let i = 0; i < LUT_SIZE; i += 1) {
    ctx.fillStyle = apply(d0 + ((i + 0.5) / LUT_SIZE) * (d1 - d0));
    ctx.fillRect(i, 0, 1, 1);
  }
  return ctx.getImageData(0, 0, LUT_SIZE, 1).data;
}
