import { Rng } from '@gen/core';
import {
  type Baseline,
  estimatorSweep,
  measureValued,
  pathwise,
  scoreFunction,
  type TestCostName,
  testCosts,
} from '@gen/estimators';
import { ESTIMATOR_FAMILIES } from './families.js';

/** `gen estimators --cost` names of @gen/estimators' `testCosts` (`square` is the quadratic). */
export const COST_FLAGS = {
  square: 'quadratic',
  cos: 'cos',
  exp: 'exp',
} as const satisfies Record<string, TestCostName>;

/** What `gen estimators` compares. */
export interface EstimatorRun {
  dist: keyof typeof ESTIMATOR_FAMILIES;
  /** Parameter values by flag name (`mu`, `sigma`, `rate`). */
  values: Record<string, number>;
  cost: keyof typeof COST_FLAGS;
  ks: readonly number[];
  samples: number;
  repeats: number;
  seed: number;
  baseline: Baseline;
}

/** One line of the variance table (parameters by their flag names). */
export interface EstimatorRow {
  k: number;
  param: string;
  estimator: string;
  mean: number;
  stdError: number;
  variance: number;
  exact?: number;
}

/**
 * The variance table of the score-function, pathwise and (coupled) measure-valued estimators of
 * ∂E[f(x; k)]/∂θ over the k grid, through `estimatorSweep` of @gen/estimators.
 */
export function runEstimators(run: EstimatorRun): EstimatorRow[] {
  const family = ESTIMATOR_FAMILIES[run.dist];
  const cost = testCosts[COST_FLAGS[run.cost]];
  // Flag name ↔ parameter name (mu ↔ loc).
  const byParam = Object.fromEntries(Object.entries(family.params).map(([flag, p]) => [p, flag]));
  const params = Object.fromEntries(
    Object.entries(family.params).map(([flag, p]) => [p, run.values[flag]!]),
  );
  const exact = cost.exact[run.dist];
  const rows = estimatorSweep({
    estimators: {
      'score-function': scoreFunction({ baseline: run.baseline }),
      pathwise: pathwise(),
      'measure-valued': measureValued({ coupling: true }),
    },
    costs: { [run.cost]: ({ k }) => cost.cost(k!) },
    grid: { k: [...run.ks] },
    dist: () => family.make(params),
    samples: run.samples,
    repeats: run.repeats,
    rng: Rng.fromSeed(run.seed),
    ...(exact === undefined
      ? {}
      : { exact: (_: string, { k }: Record<string, number>) => exact(params, k!).gradient }),
  });
  // Stable sort: by k, then parameter, keeping the estimators' order.
  const sorted = [...rows].sort(
    (a, b) => a.point.k! - b.point.k! || a.param.localeCompare(b.param),
  );
  return sorted.map((r) => ({
    k: r.point.k!,
    param: byParam[r.param] ?? r.param,
    estimator: r.estimator,
    mean: r.mean,
    stdError: r.stdError,
    variance: r.variance,
    ...(r.exact === undefined ? {} : { exact: r.exact }),
  }));
}
