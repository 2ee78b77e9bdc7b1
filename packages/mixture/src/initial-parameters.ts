import { InvalidArgumentError, invalidArgument, ShapeMismatchError } from '@gen/core';
import {
  choleskyFloored,
  covarianceFromPrecisionFactor,
  precisionFactorFromPrecision,
} from './host-linalg.js';
import type { CovarianceType, InitialParameters } from './options.js';

/** Explicit initial parameters, flattened to float64 and checked. */
export interface ParsedInitial {
  dim: number;
  means: Float64Array;
  weights?: Float64Array;
  /** In the covariance type's layout (see `covarianceShape`). */
  covariances?: Float64Array;
}

/** Shape of the covariance parameters in scikit-learn's layout. */
export function covarianceShape(type: CovarianceType, k: number, d: number): number[] {
  if (type === 'full') return [k, d, d];
  if (type === 'tied') return [d, d];
  if (type === 'diag') return [k, d];
  return [k];
}

/** Flattens a nested array of numbers, checking that its shape is `shape`. */
function flatten(fn: string, arg: string, value: unknown, shape: readonly number[]): Float64Array {
  const out: number[] = [];
  const visit = (v: unknown, depth: number): boolean => {
    if (depth === shape.length) {
      if (typeof v !== 'number') return false;
      out.push(v);
      return true;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) return false;
    return v.every((item) => visit(item, depth + 1));
  };
  if (!visit(value, 0)) {
    throw new ShapeMismatchError(
      `${fn}: argument '${arg}' must be a nested array of numbers of shape [${shape.join(', ')}]`,
    );
  }
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw invalidArgument(fn, arg, out[bad], `must be finite (flat index ${bad})`);
  return Float64Array.from(out);
}

/** Checks covariances (or precisions) of a type: positive variances or positive-definite matrices. */
function checkPositive(fn: string, arg: string, type: CovarianceType, v: Float64Array, d: number) {
  if (type === 'diag' || type === 'spherical') {
    const bad = v.findIndex((x) => !(x > 0));
    if (bad >= 0) throw invalidArgument(fn, arg, v[bad], `must be > 0 (flat index ${bad})`);
    return;
  }
  for (let k = 0; k < v.length / (d * d); k++) {
    const m = v.subarray(k * d * d, (k + 1) * d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < i; j++) {
        const a = m[i * d + j]!;
        const b = m[j * d + i]!;
        if (Math.abs(a - b) > 1e-6 * Math.max(Math.abs(a), Math.abs(b), 1)) {
          throw invalidArgument(fn, arg, [a, b], `must be symmetric (matrix ${k}, [${i}, ${j}])`);
        }
      }
    }
    if (choleskyFloored(m, d, Number.MIN_VALUE).floored > 0) {
      throw new InvalidArgumentError(
        `${fn}: argument '${arg}' must be positive definite (matrix ${k})`,
      );
    }
  }
}

/** Covariances from precisions, in the same layout. */
function invertPrecisions(type: CovarianceType, p: Float64Array, d: number): Float64Array {
  if (type === 'diag' || type === 'spherical') return p.map((x) => 1 / x);
  const out = new Float64Array(p.length);
  for (let k = 0; k < p.length / (d * d); k++) {
    const { factor } = precisionFactorFromPrecision(p.subarray(k * d * d, (k + 1) * d * d), d);
    out.set(covarianceFromPrecisionFactor(factor, d), k * d * d);
  }
  return out;
}

/** Validates `init` given as parameters and converts it to float64 arrays. */
export function parseInitialParameters(
  fn: string,
  init: InitialParameters,
  k: number,
  type: CovarianceType,
): ParsedInitial {
  const rows = (init as { means?: unknown }).means;
  const d = Array.isArray(rows) && Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : -1;
  if (d < 1) {
    throw invalidArgument(fn, 'init.means', rows, `must be a [${k}][D] array of numbers, D >= 1`);
  }
  for (const key of Object.keys(init)) {
    if (!['weights', 'means', 'covariances', 'precisions'].includes(key)) {
      throw new InvalidArgumentError(
        `${fn}: unknown option 'init.${key}' (known: weights, means, covariances, precisions)`,
      );
    }
  }
  const parsed: ParsedInitial = { dim: d, means: flatten(fn, 'init.means', rows, [k, d]) };
  if (init.weights !== undefined) {
    const w = flatten(fn, 'init.weights', init.weights, [k]);
    const sum = w.reduce((a, b) => a + b, 0);
    if (w.some((x) => !(x > 0)) || Math.abs(sum - 1) > 1e-5 * k) {
      throw invalidArgument(fn, 'init.weights', init.weights, 'must be positive and sum to 1');
    }
    parsed.weights = w.map((x) => x / sum);
  }
  if (init.covariances !== undefined && init.precisions !== undefined) {
    throw new InvalidArgumentError(
      `${fn}: give at most one of 'init.covariances' and 'init.precisions'`,
    );
  }
  const shape = covarianceShape(type, k, d);
  for (const arg of ['covariances', 'precisions'] as const) {
    const value = init[arg];
    if (value === undefined) continue;
    const flat = flatten(fn, `init.${arg}`, value, shape);
    checkPositive(fn, `init.${arg}`, type, flat, d);
    parsed.covariances = arg === 'covariances' ? flat : invertPrecisions(type, flat, d);
  }
  return parsed;
}
