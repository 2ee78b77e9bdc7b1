/**
 * Objectives over time, for every view: a history of named series against steps, smoothed with a
 * debiased exponential moving average (as TensorBoard's smoothing slider), drawn with Observable
 * Plot as faint raw points under the smoothed line, one colour and one dash pattern per series so
 * overlapping curves stay distinguishable in grey scale too.
 */
import * as Plot from '@observablehq/plot';
import { axisFormat } from './format.js';

/** One recorded value. */
export interface LossPoint {
  series: string;
  step: number;
  value: number;
}

/**
 * Debiased EMA of `values` with weight `alpha` on the past (0 = no smoothing): the first values
 * are not pulled towards 0 as a plain EMA started at 0 would be. Non-finite values are skipped.
 */
export function smoothed(values: readonly number[], alpha: number): number[] {
  if (!(alpha >= 0 && alpha < 1))
    throw new RangeError(`smoothed: alpha must be in [0, 1), got ${alpha}`);
  const out: number[] = [];
  let average = 0;
  let weight = 0;
  for (const value of values) {
    if (Number.isFinite(value)) {
      average = alpha * average + (1 - alpha) * value;
      weight = alpha * weight + (1 - alpha);
    }
    out.push(weight === 0 ? Number.NaN : average / weight);
  }
  return out;
}

/** A bounded history of named series (oldest points are thinned, not dropped, past `capacity`). */
export class LossHistory {
  private readonly points = new Map<string, { step: number; value: number }[]>();

  constructor(private readonly capacity = 2000) {}

  /** Records `values[name]` at `step` for each series. */
  push(step: number, values: Readonly<Record<string, number>>): void {
    for (const [series, value] of Object.entries(values)) {
      let list = this.points.get(series);
      if (list === undefined) {
        list = [];
        this.points.set(series, list);
      }
      list.push({ step, value });
      // Keep every other point of the older half once full: long runs keep their whole shape.
      if (list.length > this.capacity) {
        const half = Math.floor(list.length / 2);
        const thinned = list.slice(0, half).filter((_, i) => i % 2 === 0);
        list.splice(0, half, ...thinned);
      }
    }
  }

  clear(): void {
    this.points.clear();
  }

  /** Series names in first-recorded order. */
  series(): string[] {
    return [...this.points.keys()];
  }

  /** Number of points of the longest series. */
  get length(): number {
    let n = 0;
    for (const list of this.points.values()) n = Math.max(n, list.length);
    return n;
  }

  /** The raw points and their smoothed values, ready to plot. */
  rows(alpha: number): (LossPoint & { smooth: number })[] {
    const rows: (LossPoint & { smooth: number })[] = [];
    for (const [series, list] of this.points) {
      const smooth = smoothed(
        list.map((p) => p.value),
        alpha,
      );
      list.forEach((p, i) => {
        rows.push({ series, step: p.step, value: p.value, smooth: smooth[i]! });
      });
    }
    return rows;
  }
}

/** Options of {@link lossCurvePlot}. */
export interface LossCurveOptions {
  width: number;
  height?: number;
  /** EMA weight on the past (default 0.9). */
  smoothing?: number;
  yLabel?: string;
  xLabel?: string;
  /** Log-scaled y (values ≤ 0 are left out). */
  logY?: boolean;
  /** Fixed colours per series, in legend order. */
  colors?: Readonly<Record<string, string>>;
}

const DASHES = ['none', '6 3', '2 2', '8 3 2 3', '1 3', '10 4'];

/** The history as a plot; an empty history gives a frame that says "no steps yet". */
export function lossCurvePlot(history: LossHistory, options: LossCurveOptions): Element {
  const alpha = options.smoothing ?? 0.9;
  const names = history.series();
  const rows = history
    .rows(alpha)
    .filter((r) => Number.isFinite(r.value) && (options.logY !== true || r.value > 0));
  const height = options.height ?? Math.round(Math.min(260, Math.max(180, options.width * 0.45)));
  const colors = options.colors;
  const domain = colors !== undefined ? Object.keys(colors) : names;
  const range = colors !== undefined ? Object.values(colors) : undefined;
  if (rows.length === 0) {
    return Plot.plot({
      width: options.width,
      height,
      x: { label: options.xLabel ?? 'step', domain: [0, 1], tickFormat: axisFormat },
      y: { label: options.yLabel ?? 'objective', domain: [0, 1], tickFormat: axisFormat },
      marks: [
        Plot.frame({ stroke: '#ccc' }),
        Plot.text(['no steps yet'], { frameAnchor: 'middle' }),
      ],
    });
  }
  const dash = (series: string) => DASHES[Math.max(0, domain.indexOf(series)) % DASHES.length]!;
  return Plot.plot({
    width: options.width,
    height,
    marginLeft: 52,
    x: { label: options.xLabel ?? 'step', tickFormat: axisFormat },
    y: {
      label: options.yLabel ?? 'objective',
      grid: true,
      type: options.logY === true ? 'log' : 'linear',
      tickFormat: axisFormat,
    },
    color: {
      legend: names.length > 1,
      domain,
      ...(range !== undefined ? { range } : {}),
    },
    marks: [
      Plot.dot(rows, { x: 'step', y: 'value', fill: 'series', r: 1, fillOpacity: 0.25 }),
      ...domain.map((series) =>
        Plot.line(
          rows.filter((r) => r.series === series && Number.isFinite(r.smooth)),
          {
            x: 'step',
            y: 'smooth',
            stroke: 'series',
            strokeWidth: 2,
            strokeDasharray: dash(series),
          },
        ),
      ),
    ],
  });
}
