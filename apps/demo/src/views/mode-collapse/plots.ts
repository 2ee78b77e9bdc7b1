/**
 * Rendering of the mode-collapse view (Observable Plot): generator samples over the mode
 * centres (with the 3σ high-quality radius), and mode coverage over training steps.
 */
import * as Plot from '@observablehq/plot';
import { axisFormat } from '../../shell/format.js';
import { smoothed } from '../../shell/loss-curve.js';
import { type CoveragePoint, coverageRows, MODES_SERIES, QUALITY_SERIES } from './history.js';
import type { ModeToy } from './settings.js';

/** Half-width of the plotted square per data set, in data units. */
const EXTENT: Record<ModeToy, number> = { ring8: 1.6, grid25: 5.5 };

/** Samples (blue) and the centres (red rings of radius 3σ, to scale), `size` px square. */
export function samplesPlot(
  dataset: ModeToy,
  samples: readonly number[][],
  centers: readonly number[][],
  std: number,
  size: number,
): Element {
  const e = EXTENT[dataset];
  const pxPerUnit = size / (2 * e);
  const clipped = samples.filter((p) => Math.abs(p[0]!) <= e && Math.abs(p[1]!) <= e);
  return Plot.plot({
    width: size,
    height: size,
    marginLeft: 36,
    x: { domain: [-e, e], label: 'x₁', tickFormat: axisFormat },
    y: { domain: [-e, e], label: 'x₂', tickFormat: axisFormat },
    marks: [
      Plot.frame({ stroke: '#ccc' }),
      Plot.dot(clipped, {
        x: (p) => p[0],
        y: (p) => p[1],
        r: 1.5,
        fill: '#1f77b4',
        fillOpacity: 0.5,
      }),
      Plot.dot(centers, {
        x: (c) => c[0],
        y: (c) => c[1],
        r: Math.max(3, 3 * std * pxPerUnit),
        stroke: '#d62728',
        strokeWidth: 1.5,
      }),
    ],
  });
}

/**
 * Modes captured and high-quality samples (both in %) against generator steps: faint raw points
 * under a debiased-EMA smoothed line per series (`smoothed` of the shell's loss curves).
 */
export function coveragePlot(
  points: readonly CoveragePoint[],
  modeCount: number,
  width: number,
  smoothing = 0.8,
): Element {
  const rows = coverageRows(points, modeCount);
  const series = [MODES_SERIES, QUALITY_SERIES];
  const lines = series.flatMap((name) => {
    const own = rows.filter((r) => r.series === name);
    const smooth = smoothed(
      own.map((r) => r.percent),
      smoothing,
    );
    return own.map((r, i) => ({ ...r, smooth: smooth[i]! }));
  });
  const steps = points.map((p) => p.step);
  const last = Math.max(1, ...steps);
  return Plot.plot({
    width,
    height: Math.round(Math.min(300, Math.max(200, width * 0.5))),
    marginLeft: 44,
    x: { label: 'generator steps', domain: [0, last], tickFormat: axisFormat },
    y: { domain: [0, 100], label: '%', grid: true, tickFormat: axisFormat },
    color: { legend: true, domain: series },
    marks: [
      Plot.ruleY([0]),
      Plot.dot(rows, { x: 'step', y: 'percent', fill: 'series', r: 1.5, fillOpacity: 0.3 }),
      // z explicit: two series with one point each are not a 'high-cardinality' z (Plot's ⚠).
      Plot.line(lines, { x: 'step', y: 'smooth', z: 'series', stroke: 'series', strokeWidth: 2 }),
    ],
  });
}
