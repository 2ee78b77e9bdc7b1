/**
 * Rendering of the estimators view: gradient variance against k per estimator (Observable Plot,
 * log y), and the table at the selected k.
 */
import type { TestCost } from '@gen/estimators';
import * as Plot from '@observablehq/plot';
import { h } from '../../shell/dom.js';
import { axisFormat, formatMeanError, formatNumber } from '../../shell/format.js';
import type { RunningMoments } from './running-moments.js';
import { ESTIMATOR_IDS, ESTIMATOR_LABELS, type EstimatorId } from './sampler.js';

/** Accumulated estimates: per estimator, per parameter ('loc' = μ, 'scale' = σ). */
export type Accumulators = Record<EstimatorId, { loc: RunningMoments; scale: RunningMoments }>;
type Param = 'loc' | 'scale';
const PARAM_LABELS: Record<Param, string> = { loc: '∂/∂μ', scale: '∂/∂σ' };
/** The first dash patterns of the shell's loss curves, in estimator order. */
const DASHES = ['none', '6 3', '2 2'];

/** Variance of the estimate against k, one line per estimator, with a rule at the selected k. */
export function variancePlot(
  cost: TestCost,
  moments: Accumulators,
  param: Param,
  selectedK: number,
  width: number,
): Element {
  const rows = ESTIMATOR_IDS.flatMap((id) =>
    cost.grid.map((k, i) => ({
      k,
      variance: moments[id][param].variance(i),
      estimator: ESTIMATOR_LABELS[id],
    })),
  ).filter((r) => r.variance > 0 && Number.isFinite(r.variance));
  // Coupled MVD reaches exactly zero variance at some k (e.g. ∂μ of (x − k)² at k = μ); float32
  // leaves ~1e−14 there, which would squash the log axis: show four decades below the top.
  const top = Math.max(...rows.map((r) => r.variance), 1e-12);
  const bottom = Math.max(Math.min(...rows.map((r) => r.variance)), top * 1e-4);
  return Plot.plot({
    width,
    height: Math.round(Math.min(320, Math.max(220, width * 0.62))),
    marginLeft: 56,
    x: { label: 'k', type: cost.name === 'quadratic' ? 'linear' : 'log', tickFormat: axisFormat },
    y: {
      label: `variance of ${PARAM_LABELS[param]} (log)`,
      type: 'log',
      grid: true,
      domain: [bottom, top],
      clamp: true,
      tickFormat: axisFormat,
    },
    color: { legend: true, domain: ESTIMATOR_IDS.map((id) => ESTIMATOR_LABELS[id]) },
    marks: [
      Plot.ruleX([selectedK], { stroke: '#9aa5b1', strokeDasharray: '4 3' }),
      // One dash pattern per estimator (as in the history plot), so the lines part in grey too.
      ...ESTIMATOR_IDS.map((id, e) =>
        Plot.lineY(
          rows.filter((r) => r.estimator === ESTIMATOR_LABELS[id]),
          {
            x: 'k',
            y: 'variance',
            stroke: 'estimator',
            strokeWidth: 2,
            strokeDasharray: DASHES[e]!,
          },
        ),
      ),
      Plot.dot(rows, { x: 'k', y: 'variance', fill: 'estimator', r: 2.5 }),
    ],
  });
}

const fmt = (v: number) => formatNumber(v);

/** Mean ± standard error, exact gradient, variance and SNR of every estimator at grid index i. */
export function estimatesTable(
  cost: TestCost,
  moments: Accumulators,
  i: number,
  exact: Record<Param, number>,
): HTMLElement {
  const head = h(
    'tr',
    {},
    ...['estimator', 'parameter', 'mean ± s.e.', 'exact', 'variance', 'SNR'].map((t) =>
      h('th', { scope: 'col' }, t),
    ),
  );
  const rows = ESTIMATOR_IDS.flatMap((id) =>
    (['loc', 'scale'] as const).map((param) => {
      const m = moments[id][param];
      const variance = m.variance(i);
      return h(
        'tr',
        {},
        h('th', { scope: 'row' }, ESTIMATOR_LABELS[id]),
        h('td', {}, PARAM_LABELS[param]),
        h('td', {}, formatMeanError(m.mean[i]!, m.stdError(i))),
        h('td', {}, fmt(exact[param])),
        h('td', {}, fmt(variance)),
        h('td', {}, fmt(Math.abs(m.mean[i]!) / Math.sqrt(variance))),
      );
    }),
  );
  return h(
    'div',
    { class: 'table-scroll', 'data-scroll-hint': 'scroll sideways →' },
    h(
      'table',
      { class: 'numbers', 'data-testid': 'estimator-table' },
      h(
        'caption',
        {},
        `f = ${cost.label()} at k = ${formatNumber(cost.grid[i]!, { digits: 3 })}; single estimates`,
      ),
      h('thead', {}, head),
      h('tbody', {}, ...rows),
    ),
  );
}
