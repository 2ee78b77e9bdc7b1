import {
  assertFiniteNumber,
  assertKnownOptions,
  assertPositive,
  type CostFunction,
  invalidArgument,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** The names of {@link testCosts}. */
export type TestCostName = 'quadratic' | 'cos' | 'exp';

/** Exact E[f(x; k)] and its gradient by parameter name (`loc`, `scale`; `rate`). */
export interface ExactCost<Param extends string = string> {
  value: number;
  gradient: Record<Param, number>;
}

/**
 * E[f(x; k)] and its gradient in closed form for one family, given the distribution's
 * parameters by their `@gen` names (`{ loc, scale }` for the Normal, `{ rate }` for the
 * Exponential).
 */
export type ExactCostFunction<Param extends string = string> = (
  params: Readonly<Record<string, number>>,
  k: number,
) => ExactCost<Param>;

/**
 * A cost f(x; k) of the gradient-estimator comparison of Mohamed et al. (2020) §3, with the
 * closed forms that make it a test: E[f] and its exact gradients per family and parameter.
 */
export interface TestCost {
  readonly name: TestCostName;
  /** The formula with `k` written as given: `label(3)` = '(x − 3)²', `label()` = '(x − k)²'. */
  label(k?: number | string): string;
  /**
   * f(x; k) as a {@link CostFunction} for `surrogate`: `k` a number, or a tensor that
   * broadcasts against the draws (a `[K]` grid against draws `[..., K]` sweeps K problems at once).
   */
  cost(k: number | tf.Tensor): CostFunction;
  /** f(x; k) on plain numbers (float64), for oracles such as quadrature. */
  evaluate(x: number, k: number): number;
  /** The k values of the paper's sweep (its Figs 2–3 range, coarser), three significant digits. */
  readonly grid: readonly number[];
  /** Closed forms by family: always the Normal N(loc, scale²), the Exponential where known. */
  readonly exact: {
    readonly normal: ExactCostFunction<'loc' | 'scale'>;
    readonly exponential?: ExactCostFunction<'rate'>;
  };
}

/** `n` values from `a` to `b`, evenly spaced (`'linear'`) or in geometric progression (`'log'`). */
export function sweep(a: number, b: number, n: number, spacing: 'linear' | 'log'): number[] {
  return Array.from({ length: n }, (_, i) => {
    const t = i / (n - 1);
    const v = spacing === 'linear' ? a + (b - a) * t : a * (b / a) ** t;
    return Number(v.toPrecision(3));
  });
}

/** Checks `k` and returns it as something tfjs broadcasts. */
export function costParameter(fn: string, k: unknown): number | tf.Tensor {
  if (k instanceof tf.Tensor) {
    if (k.isDisposed) throw invalidArgument(fn, 'k', k, 'must be a live tensor');
    return k;
  }
  assertFiniteNumber(fn, 'k', k);
  return k;
}

/** Reads the Normal's `{ loc, scale }` (scale > 0), refusing other keys. */
export function normalParams(fn: string, params: Readonly<Record<string, number>>) {
  assertParams(fn, params, ['loc', 'scale']);
  const { loc, scale } = params;
  assertFiniteNumber(fn, 'params.loc', loc);
  assertPositive(fn, 'params.scale', scale);
  return { mu: loc, sigma: scale };
}

/** Reads the Exponential's `{ rate }` (rate > 0), refusing other keys. */
export function exponentialRate(fn: string, params: Readonly<Record<string, number>>): number {
  assertParams(fn, params, ['rate']);
  assertPositive(fn, 'params.rate', params.rate);
  return params.rate;
}

function assertParams(fn: string, params: unknown, known: readonly string[]): void {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw invalidArgument(fn, 'params', params, `must be { ${known.join(', ')} }`);
  }
  assertKnownOptions(`${fn} (params)`, params, known);
}
