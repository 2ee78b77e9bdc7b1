import type { TopLevelSpec } from 'vega-lite';
import type { EstimatorRow } from './sweep.js';

/**
 * Variance of each estimator against k (log-scale variance), one panel per parameter. Rows with
 * zero variance (an exact estimate, e.g. coupled measure-valued ∂μ at k = μ) cannot sit on a log
 * axis and are left out of the plot (they stay in the table).
 */
export function varianceSpec(rows: readonly EstimatorRow[], title: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: rows.filter((r) => r.variance > 0).map((r) => ({ ...r })) },
    facet: { column: { field: 'param', type: 'nominal', title: 'gradient w.r.t.' } },
    spec: {
      width: 260,
      height: 200,
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'k',
          type: 'quantitative',
          title: 'k',
          scale: { type: rows.every((r) => r.k > 0) ? 'log' : 'linear' },
        },
        y: { field: 'variance', type: 'quantitative', scale: { type: 'log' }, title: 'variance' },
        color: { field: 'estimator', type: 'nominal' },
      },
    },
  };
}
