/**
 * Rendering of the mode-collapse view (Observable Plot): generator samples over the mode
 * centres (with the 3σ high-quality radius), and mode coverage over training steps.
 */
import * as Plot from '@observablehq/plot';
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
    x: { domain: [-e, e], label: 'x₁' },
    y: { domain: [-e, e], label: 'x₂' },
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

/** Modes captured and high-quality samples (both in %) against generator steps. */
export function coveragePlot(
  points: readonly CoveragePoint[],
  modeCount: number,
  width: number,
): Element {
  return Plot.plot({
    width,
    height: Math.round(Math.min(300, width * 0.6)),
    x: { label: 'generator steps' },
    y: { domain: [0, 100], label: '%', grid: true },
    color: { legend: true, domain: [MODES_SERIES, QUALITY_SERIES] },
    marks: [
      Plot.line(coverageRows(points, modeCount), {
        x: 'step',
        y: 'percent',
        stroke: 'series',
        strokeWidth: 2,
        marker: 'dot',
      }),
      Plot.ruleY([0]),
    ],
  });
}
