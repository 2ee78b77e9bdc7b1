/**
 * Coverage over time (pure logic, tested in Node): one point per evaluation, turned into the
 * rows of the line chart (modes captured as % of all modes, and % high-quality samples).
 */
import type { ModeCoverage } from '@gen/gan';
import { formatNumber } from '../../shell/format.js';

/** One evaluation of a run. */
export interface CoveragePoint {
  step: number;
  modes: number;
  /** Fraction of high-quality samples in [0, 1]. */
  highQuality: number;
}

/** A row of the line chart. */
export interface CoverageRow {
  step: number;
  percent: number;
  series: string;
}

export const MODES_SERIES = 'modes captured (% of all)';
export const QUALITY_SERIES = 'high-quality samples (%)';

/** The point for `coverage` at `step`. */
export function coveragePoint(step: number, coverage: ModeCoverage): CoveragePoint {
  return { step, modes: coverage.modes, highQuality: coverage.highQuality };
}

/** Chart rows: two series in percent, `modeCount` being the number of modes of the data set. */
export function coverageRows(points: readonly CoveragePoint[], modeCount: number): CoverageRow[] {
  return points.flatMap((p) => [
    { step: p.step, percent: (100 * p.modes) / modeCount, series: MODES_SERIES },
    { step: p.step, percent: 100 * p.highQuality, series: QUALITY_SERIES },
  ]);
}

/** The headline number: % high-quality samples with two decimals (resolution 0.1% at 1000). */
export function formatQuality(highQuality: number): string {
  return (100 * highQuality).toFixed(2);
}

/**
 * A number as plain text that `Number.parseFloat` reads back (ASCII minus, no exponent), for the
 * `[data-testid]` read-outs the tests parse: 4 decimals within ±10⁶, else `formatNumber`'s text.
 */
export function formatPlain(value: number): string {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e6) return formatNumber(value);
  const text = value.toFixed(4);
  return text === '-0.0000' ? '0.0000' : text;
}
