import { assertInteger, assertKnownOptions, invalidArgument } from '@gen/core';
import { FGAN_NAMES } from './names.js';

// Argument checks shared by the experiment functions; not part of the public API.

/** Most training steps or Simpson nodes one call takes (beyond it a run cannot finish). */
export const MAX_STEPS = 10_000_000;
/** Most quadrature nodes: the integrand holds one value per node and Gaussian. */
export const MAX_POINTS = 1_000_001;
/** Most draws per batch of the f-GAN saddle-point loop. */
export const MAX_BATCH = 1_000_000;

/** Throws unless `options` is a plain object whose keys are all in `known`. */
export function assertOptions(
  fn: string,
  options: unknown,
  known: readonly string[],
  arg = 'options',
): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument(fn, arg, options, 'must be an options object');
  }
  assertKnownOptions(fn, options, known);
}

/** Throws unless `matrix` is a 5 × 5 array of numbers, rows and columns in FGAN_NAMES order. */
export function assertFganMatrix(fn: string, arg: string, matrix: unknown): void {
  const k = FGAN_NAMES.length;
  const ok =
    Array.isArray(matrix) &&
    matrix.length === k &&
    matrix.every(
      (row) => Array.isArray(row) && row.length === k && row.every((v) => typeof v === 'number'),
    );
  if (!ok) throw invalidArgument(fn, arg, matrix, `must be a ${k} × ${k} array of numbers`);
}

/** Throws unless `value` is an integer in [min, max], worded as `assertInteger` for `min`. */
export function assertBoundedInteger(
  fn: string,
  arg: string,
  value: unknown,
  min: number,
  max: number,
): asserts value is number {
  assertInteger(fn, arg, value, min);
  if (value > max) throw invalidArgument(fn, arg, value, `must be <= ${max}`);
}
