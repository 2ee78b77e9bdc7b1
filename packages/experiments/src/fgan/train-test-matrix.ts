import { assertDistribution, type Distribution, invalidArgument } from '@gen/core';
import { assertFganMatrix, assertOptions } from './checks.js';
import { FGAN_LABELS, FGAN_NAMES, type FganName, type GaussianFit } from './names.js';
import { quadratureDivergence } from './quadrature-fit.js';
import type { QuadratureOptions } from './quadrature-options.js';

/**
 * The published train/test table (Nowozin et al. 2016, §4, as reproduced in a lecture deck): rows
 * the training divergence, columns the test divergence, in {@link FGAN_NAMES} order.
 * Its mixture is unknown, so only its shape (the minimum of each column on the diagonal) is
 * comparable; its JS column is probably on the paper's 2·JS scale.
 */
export const PUBLISHED_FGAN_TABLE: Readonly<Record<FganName, readonly number[]>> = Object.freeze({
  kl: [0.2808, 0.3423, 0.1314, 0.5447, 0.7345],
  'reverse-kl': [0.3518, 0.2414, 0.1228, 0.5794, 1.3974],
  js: [0.2871, 0.276, 0.121, 0.526, 0.9216],
  jeffreys: [0.2869, 0.2975, 0.1247, 0.5236, 0.8849],
  pearson: [0.297, 0.5466, 0.1665, 0.7085, 0.648],
});

/**
 * The 5×5 train/test matrix: row i is the fit trained with divergence i, column j divergence j
 * evaluated at that fit by quadrature (nats), in {@link FGAN_NAMES} order.
 */
export async function trainTestMatrix(
  p: Distribution,
  fits: Readonly<Record<FganName, GaussianFit>>,
  options: QuadratureOptions = {},
): Promise<number[][]> {
  const fn = 'trainTestMatrix';
  assertDistribution(fn, 'p', p);
  assertOptions(fn, fits, FGAN_NAMES, 'fits');
  for (const name of FGAN_NAMES) {
    const fit = (fits as Record<string, unknown>)[name] as Partial<GaussianFit> | undefined;
    if (
      fit === null ||
      typeof fit !== 'object' ||
      !Number.isFinite(fit.mu) ||
      !(typeof fit.sigma === 'number' && fit.sigma > 0 && Number.isFinite(fit.sigma))
    ) {
      throw invalidArgument(fn, `fits.${name}`, fit, 'must be { mu: finite, sigma: finite > 0 }');
    }
  }
  assertOptions(fn, options, ['points', 'range']);
  const matrix: number[][] = [];
  for (const row of FGAN_NAMES) {
    const values: number[] = [];
    for (const column of FGAN_NAMES) {
      values.push(await quadratureDivergence(column, p, fits[row], options));
    }
    matrix.push(values);
  }
  return matrix;
}

/** Cells (i, j), i ≠ j, where column j's diagonal entry is not its strict minimum. */
export function offDiagonalMinima(matrix: readonly (readonly number[])[]): [number, number][] {
  const k = Array.isArray(matrix) ? matrix.length : -1;
  const square =
    k > 0 &&
    matrix.every(
      (row) => Array.isArray(row) && row.length === k && row.every((v) => typeof v === 'number'),
    );
  if (!square) {
    throw invalidArgument(
      'offDiagonalMinima',
      'matrix',
      matrix,
      'must be a square array of numbers',
    );
  }
  const bad: [number, number][] = [];
  matrix.forEach((row, i) => {
    row.forEach((v, j) => {
      if (i !== j && !(matrix[j]![j]! < v)) bad.push([i, j]);
    });
  });
  return bad;
}

/** A train/test matrix as aligned text, with extra columns (e.g. μ, σ) per row. */
export function formatMatrix(
  title: string,
  matrix: readonly (readonly number[])[],
  extra: Readonly<Record<string, readonly number[]>> = {},
): string {
  const fn = 'formatMatrix';
  if (typeof title !== 'string') throw invalidArgument(fn, 'title', title, 'must be a string');
  assertFganMatrix(fn, 'matrix', matrix);
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) {
    throw invalidArgument(fn, 'extra', extra, 'must be a record of columns');
  }
  for (const [name, column] of Object.entries(extra)) {
    if (
      !Array.isArray(column) ||
      column.length !== FGAN_NAMES.length ||
      !column.every((v) => typeof v === 'number')
    ) {
      throw invalidArgument(fn, `extra.${name}`, column, `must be ${FGAN_NAMES.length} numbers`);
    }
  }
  const pad = (s: string, w: number) => s.padStart(w);
  const header = ['train \\ test', ...FGAN_NAMES.map((n) => FGAN_LABELS[n]), ...Object.keys(extra)];
  const lines = [title, header.map((h, i) => pad(h, i === 0 ? 12 : 9)).join(' ')];
  FGAN_NAMES.forEach((name, i) => {
    const cells = matrix[i]!.map((v) => pad(v.toFixed(4), 9));
    const more = Object.values(extra).map((column) => pad(column[i]!.toFixed(3), 9));
    lines.push([pad(FGAN_LABELS[name], 12), ...cells, ...more].join(' '));
  });
  return lines.join('\n');
}
