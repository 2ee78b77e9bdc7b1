import {
  type CostFunction,
  type Distribution,
  formatValue,
  type GradientEstimator,
  InvalidArgumentError,
  type Rng,
} from '@gen/core';
import type { DistributionFactory } from './distribution-factory.js';
import { gradientStats } from './gradient-stats.js';

/** One point of a parameter grid, e.g. `{ mu: 1, sigma: 1, k: 0.5 }`. */
export type GridPoint = Record<string, number>;

export interface SweepOptions {
  /** Estimators to compare, by the label rows will carry. */
  estimators: Record<string, GradientEstimator>;
  /** Costs by label, each built from the grid point (so a cost can depend on, say, k). */
  costs: Record<string, (point: GridPoint) => CostFunction>;
  /** Points: a list, or values per axis whose Cartesian product is taken (first axis slowest). */
  grid: readonly GridPoint[] | Record<string, readonly number[]>;
  /** The distribution (or a {@link DistributionFactory}) at a grid point; disposed after use. */
  dist: (point: GridPoint) => Distribution | DistributionFactory;
  samples: number;
  repeats: number;
  rng: Rng;
  /** Exact gradients, by parameter name, to put beside the estimates (optional). */
  exact?: (
    cost: string,
    point: GridPoint,
  ) => Record<string, number | readonly number[]> | undefined;
}

/** One row of {@link estimatorSweep}: plain numbers and labels, ready to print or plot. */
export interface SweepRow {
  estimator: string;
  cost: string;
  point: GridPoint;
  /** Parameter name and flat (row-major) entry index. */
  param: string;
  index: number;
  mean: number;
  variance: number;
  stdError: number;
  snr: number;
  /** The exact gradient, when `exact` gave one. */
  exact?: number;
}

/** The Cartesian product of per-axis values, first axis slowest. */
export function gridPoints(grid: SweepOptions['grid']): GridPoint[] {
  if (Array.isArray(grid)) return grid.map((p) => ({ ...p }));
  let points: GridPoint[] = [{}];
  for (const [axis, values] of Object.entries(grid as Record<string, readonly number[]>)) {
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'number')) {
      throw new InvalidArgumentError(
        `estimatorSweep: grid axis '${axis}' must be an array of numbers, got ${formatValue(values)}`,
      );
    }
    points = points.flatMap((p) => values.map((v) => ({ ...p, [axis]: v })));
  }
  return points;
}

/**
 * Tabulates {@link gradientStats} of several estimators over several costs and a grid of
 * points (the §3 comparison of Mohamed et al. 2020: variance of ∇μ and ∇σ of E_{N(μ,σ²)}[f(x; k)]
 * against k), one row per (point, cost, estimator, parameter entry).
 *
 * ```ts
 * const rows = estimatorSweep({
 *   estimators: { sf: scoreFunction(), pathwise: pathwise(), mvd: measureValued() },
 *   costs: { quadratic: ({ k }) => (x) => tf.square(tf.sub(x, k)) },
 *   grid: { k: [-3, -1, 0, 1, 3] },
 *   dist: () => new Normal({ loc: 1, scale: 1 }),
 *   samples: 1, repeats: 2000, rng: Rng.fromSeed(0),
 * });
 * ```
 */
export function estimatorSweep(options: SweepOptions): SweepRow[] {
  const fn = 'estimatorSweep';
  for (const key of ['estimators', 'costs'] as const) {
    if (typeof options?.[key] !== 'object' || options[key] === null) {
      throw new InvalidArgumentError(
        `${fn}: argument '${key}' must be a record by label, got ${formatValue(options?.[key])}`,
      );
    }
  }
  if (typeof options.dist !== 'function') {
    throw new InvalidArgumentError(
      `${fn}: argument 'dist' must be a function point => distribution, got ${formatValue(options.dist)}`,
    );
  }
  const rows: SweepRow[] = [];
  const { samples, repeats, rng } = options;
  for (const point of gridPoints(options.grid)) {
    for (const [costName, makeCost] of Object.entries(options.costs)) {
      const cost = makeCost(point);
      const exact = options.exact?.(costName, point);
      for (const [label, estimator] of Object.entries(options.estimators)) {
        const dist = options.dist(point);
        try {
          const stats = gradientStats(estimator, dist, cost, { samples, repeats, rng });
          for (const [param, s] of Object.entries(stats)) {
            const known = exact?.[param];
            s.mean.forEach((mean, index) => {
              const row: SweepRow = {
                estimator: label,
                cost: costName,
                point: { ...point },
                param,
                index,
                mean,
                variance: s.variance[index]!,
                stdError: s.stdError[index]!,
                snr: s.snr[index]!,
              };
              const e = typeof known === 'number' ? known : known?.[index];
              if (e !== undefined) row.exact = e;
              rows.push(row);
            });
          }
        } finally {
          (dist as { dispose?: () => void }).dispose?.();
        }
      }
    }
  }
  return rows;
}
