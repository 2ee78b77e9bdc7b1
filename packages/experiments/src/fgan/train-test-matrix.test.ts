import { initBackend } from '@gen/core';
import type { Mixture } from '@gen/distributions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FGAN_NAMES, type FganName, type GaussianFit } from './names.js';
import { quadratureDivergence } from './quadrature-fit.js';
import { mixtureOf } from './target.js';
import { formatMatrix, offDiagonalMinima, trainTestMatrix } from './train-test-matrix.js';

describe('train/test matrices', () => {
  let p: Mixture;
  beforeAll(async () => {
    await initBackend('wasm');
    p = mixtureOf();
  });
  afterAll(() => p.dispose());

  it('puts D_j(P‖q_i) in row i, column j', async () => {
    const fits = Object.fromEntries(
      FGAN_NAMES.map((name, i) => [name, { mu: i * 0.2, sigma: 2 + i * 0.1 }]),
    ) as Record<FganName, GaussianFit>;
    const matrix = await trainTestMatrix(p, fits);
    expect(matrix).toHaveLength(5);
    for (const [i, row] of FGAN_NAMES.entries()) {
      for (const [j, column] of FGAN_NAMES.entries()) {
        expect(matrix[i]![j]).toBe(await quadratureDivergence(column, p, fits[row]));
      }
    }
  });

  it('finds the cells at or below their column’s diagonal', () => {
    const good = [
      [1, 5, 5],
      [2, 1, 5],
      [3, 3, 2],
    ];
    expect(offDiagonalMinima(good)).toEqual([]);
    const bad = [
      [1, 5, 5],
      [1, 1, 0.5],
      [3, 3, 2],
    ];
    expect(offDiagonalMinima(bad)).toEqual([
      [1, 0],
      [1, 2],
    ]);
  });

  it('formats the matrix with the paper’s labels and extra columns', () => {
    const matrix = FGAN_NAMES.map((_, i) => FGAN_NAMES.map((__, j) => i + j / 10));
    const text = formatMatrix('title', matrix, { μ: [1, 2, 3, 4, 5] }).split('\n');
    expect(text[0]).toBe('title');
    expect(text[1]!.trim().split(/\s+/)).toEqual([
      'train',
      '\\',
      'test',
      'KL',
      'KL-rev',
      'JS',
      'Jeffrey',
      'Pearson',
      'μ',
    ]);
    expect(text[3]!.trim().split(/\s+/)).toEqual([
      'KL-rev',
      '1.0000',
      '1.1000',
      '1.2000',
      '1.3000',
      '1.4000',
      '2.000',
    ]);
  });
});
