/** Drawing for the sequential view: digits being sampled, their conditionals, the flow's layers. */
import * as Plot from '@observablehq/plot';
import { axisFormat, formatNumber } from '../../shell/format.js';
import { FLOW_LAYERS, GRID_EXTENT, type LayerSnapshot } from './flow-layers.js';

/** Colours of the digit canvases. */
const NOT_DRAWN = [222, 228, 236] as const;
const NEXT = [228, 87, 46] as const;
const PROB_HIGH = [31, 78, 156] as const;

/**
 * RGBA of one `side`² image being sampled: what `kind` shows at each pixel drawn so far (the
 * pixel itself, ink dark, or its p(x_i = 1 | x_<i) from white to blue), a pale blue-grey where
 * nothing is drawn yet, and the next pixel, index `next`, in orange.
 */
export function digitRgba(
  values: ArrayLike<number>,
  offset: number,
  side: number,
  drawn: number,
  kind: 'sample' | 'probability',
): Uint8ClampedArray<ArrayBuffer> {
  const size = side * side;
  const data = new Uint8ClampedArray(size * 4);
  for (let i = 0; i < size; i++) {
    let rgb: readonly number[];
    if (i < drawn) {
      const v = Math.min(1, Math.max(0, values[offset + i]!));
      if (kind === 'sample') {
        const grey = Math.round(255 * (1 - v));
        rgb = [grey, grey, grey];
      } else {
        rgb = PROB_HIGH.map((c) => Math.round(255 + (c - 255) * v));
      }
    } else {
      rgb = i === drawn ? NEXT : NOT_DRAWN;
    }
    data[4 * i] = rgb[0]!;
    data[4 * i + 1] = rgb[1]!;
    data[4 * i + 2] = rgb[2]!;
    data[4 * i + 3] = 255;
  }
  return data;
}

/** Puts `digitRgba(...)` into a `side`×`side` canvas (CSS scales it with crisp pixels). */
export function drawDigit(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  offset: number,
  side: number,
  drawn: number,
  kind: 'sample' | 'probability',
): void {
  if (canvas.width !== side) canvas.width = side;
  if (canvas.height !== side) canvas.height = side;
  const context = canvas.getContext('2d');
  if (context === null) return;
  context.putImageData(
    new ImageData(digitRgba(values, offset, side, drawn, kind), side, side),
    0,
    0,
  );
}

const QUADRANT_COLOURS = ['#4269d0', '#efb118', '#ff725c', '#3ca951'];

/** Title of stage k of the flow: the base, a layer, or the data space. */
export function stageTitle(k: number): string {
  if (k === 0) return 'base z ~ N(0, I)';
  if (k === FLOW_LAYERS) return `after layer ${k}: data space x`;
  return `after layer ${k}`;
}

/**
 * One small plot of stage `k`: the pushed z-grid lines, the pushed base samples coloured by the
 * quadrant of z they started in, and (in data space) the training data in grey beneath.
 */
export function stagePlot(
  snapshot: LayerSnapshot,
  k: number,
  width: number,
  data: Float32Array | undefined,
): Element {
  const samples = snapshot.samples[k]!;
  const grid = snapshot.grid[k]!;
  const points = Array.from({ length: samples.length / 2 }, (_, i) => ({
    x: samples[2 * i]!,
    y: samples[2 * i + 1]!,
    quadrant: snapshot.quadrant[i]!,
  }));
  const lines = Array.from({ length: grid.length / 2 }, (_, i) => ({
    x: grid[2 * i]!,
    y: grid[2 * i + 1]!,
    line: snapshot.gridLine[i]!,
  }));
  const dataPoints =
    data === undefined
      ? []
      : Array.from({ length: data.length / 2 }, (_, i) => ({
          x: data[2 * i]!,
          y: data[2 * i + 1]!,
        }));
  // Frame the samples (not the far grid lines, which a trained flow stretches a long way).
  const extent = (axis: 'x' | 'y') => {
    const values = [...points, ...dataPoints].map((p) => p[axis]).filter(Number.isFinite);
    if (k === 0 || values.length === 0) return [-GRID_EXTENT, GRID_EXTENT];
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const pad = Math.max(0.1, (hi - lo) * 0.08);
    return [lo - pad, hi + pad];
  };
  return Plot.plot({
    width,
    height: width,
    marginLeft: 36,
    marginBottom: 28,
    marginTop: 8,
    marginRight: 8,
    style: { fontSize: '10px' },
    x: { domain: extent('x'), label: null, tickFormat: axisFormat, ticks: 4 },
    y: { domain: extent('y'), label: null, tickFormat: axisFormat, ticks: 4 },
    color: { type: 'ordinal', domain: [0, 1, 2, 3], range: QUADRANT_COLOURS },
    marks: [
      Plot.frame({ stroke: '#ccc' }),
      ...(dataPoints.length > 0
        ? [Plot.dot(dataPoints, { x: 'x', y: 'y', r: 1, fill: '#bbb', fillOpacity: 0.6 })]
        : []),
      Plot.line(lines, { x: 'x', y: 'y', z: 'line', stroke: '#888', strokeWidth: 0.7, clip: true }),
      Plot.dot(points, { x: 'x', y: 'y', r: 1.6, fill: 'quadrant', clip: true }),
    ],
  });
}

/** "mean log |det J_k| = 0.123" for layer k (1-based), via formatNumber. */
export function logDetText(snapshot: LayerSnapshot, k: number): string {
  return `mean log |det J${k}| = ${formatNumber(snapshot.meanLogDet[k - 1]!)}`;
}
