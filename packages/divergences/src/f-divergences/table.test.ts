import { initBackend } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { alphaDivergence } from './alpha-divergence.js';
import type { FDivergence } from './f-divergence.js';
import { fDivergenceNames, fDivergences } from './table.js';

/** Every row, with the α rows the paper tabulates. */
const ROWS: FDivergence[] = [
  ...fDivergenceNames.map((n) => fDivergences[n]),
  alphaDivergence(0.5),
  alphaDivergence(2),
  alphaDivergence(-1),
];

/** Points t per row whose maximiser u* = (f′)⁻¹(t) lies in [0, 1e4] (0: the boundary). */
const POINTS: Record<string, number[]> = {
  kl: [-1, 0, 1, 2],
  'reverse-kl': [-2, -1, -0.3],
  pearson: [-3, -1, 0.5, 2],
  neyman: [-3, 0, 0.5, 0.9],
  'squared-hellinger': [-3, 0, 0.5, 0.8],
  jeffreys: [-1, 0, 1.5, 3],
  js: [-1, 0, 0.3],
  gan: [-2, -Math.LN2, -0.2],
  'total-variation': [-0.7, -0.3, 0, 0.4],
  'alpha(0.5)': [-3, 0, 1.5],
  'alpha(2)': [-2, -0.4, 1],
  'alpha(-1)': [-3, 0, 0.4],
};

/**
 * sup_{u ≥ 0} (t·u − f(u)) on u ∈ {0} ∪ [1e−6, 1e5] (log grid), refined around the best node;
 * the nodes are float32 (what f sees), t·u is taken in float64.
 */
function numericalConjugate(row: FDivergence, t: number): number {
  const search = (u: Float32Array) => {
    const input = tf.tensor1d(u);
    const output = row.f(input);
    const f = output.dataSync();
    tf.dispose([input, output]);
    let best = -1;
    let value = Number.NEGATIVE_INFINITY;
    u.forEach((ui, i) => {
      const v = t * ui - f[i]!;
      if (v > value) [best, value] = [i, v];
    });
    return { best, value };
  };
  const grid = new Float32Array(20002);
  for (let i = 1; i < grid.length; i++) grid[i] = 10 ** (-6 + (11 * (i - 1)) / (grid.length - 2));
  const coarse = search(grid);
  if (coarse.best <= 1) return coarse.value;
  const lo = grid[coarse.best - 1]!;
  const hi = grid[Math.min(coarse.best + 1, grid.length - 1)]!;
  const fine = new Float32Array(4001).map((_, i) => lo + ((hi - lo) * i) / 4000);
  return Math.max(coarse.value, search(fine).value);
}

describe('fDivergences (the f-GAN table)', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('has the rows of the paper under the divergence names', () => {
    expect(fDivergenceNames.sort()).toEqual(
      [
        'gan',
        'jeffreys',
        'js',
        'kl',
        'neyman',
        'pearson',
        'reverse-kl',
        'squared-hellinger',
        'total-variation',
      ].sort(),
    );
  });

  it('f(1) = 0 (GAN: −log 4, hence D_GAN = 2·JS − log 4) and the threshold is f′(1)', () => {
    for (const row of ROWS) {
      const f1 = row.name === 'gan' ? -Math.log(4) : 0;
      expectClose(row.f(tf.scalar(1)), f1, { atol: 1e-7, message: row.name });
      expectClose(row.derivative(tf.scalar(1)), row.threshold, { atol: 1e-7, message: row.name });
    }
    expect(fDivergences.gan.threshold).toBeCloseTo(-Math.LN2, 12);
    expect(fDivergences.kl.threshold).toBe(1);
    expect(fDivergences['reverse-kl'].threshold).toBe(-1);
  });

  it('conjugate(t) equals the numerical supremum of t·u − f(u) over u ≥ 0', () => {
    for (const row of ROWS) {
      const points = POINTS[row.name]!;
      const closed = Array.from(row.conjugate(tf.tensor1d(points)).dataSync());
      points.forEach((t, i) => {
        const numeric = numericalConjugate(row, t);
        // float32 evaluation of f on the grid: a few ulp of |t·u*| + |f(u*)|.
        expect(Math.abs(closed[i]! - numeric), `${row.name} at t = ${t}`).toBeLessThan(
          2e-5 * (1 + Math.abs(numeric)),
        );
      });
    }
  });

  it('reproduces the checked conjugate values (docs/references.md#conjugate-check-values)', () => {
    const check = (row: FDivergence, pairs: [number, number][], scale = 1) =>
      expectClose(
        tf.mul(row.conjugate(tf.tensor1d(pairs.map(([t]) => t / scale))), scale),
        pairs.map(([, v]) => v),
        { atol: 2e-6, rtol: 2e-6, message: row.name },
      );
    check(fDivergences.kl, [
      [-1, 0.135335],
      [0, 0.367879],
      [1, 1],
    ]);
    check(fDivergences['reverse-kl'], [
      [-2, -1.693147],
      [-1, -1],
      [-0.3, 0.203973],
    ]);
    check(fDivergences.pearson, [
      [-1, -0.75],
      [2, 3],
    ]);
    check(fDivergences.neyman, [
      [-3, -2],
      [0.5, 0.585786],
    ]);
    check(fDivergences['squared-hellinger'], [
      [-3, -0.75],
      [0.5, 1],
    ]);
    check(fDivergences.jeffreys, [
      [-1, -0.800654],
      [1.5, 2.3758],
    ]);
    // The paper's JS generator is twice ours: f*_paper(t) = 2·f*_half(t/2).
    check(
      fDivergences.js,
      [
        [-1, -0.48988],
        [0.5, 1.046175],
      ],
      2,
    );
    check(fDivergences.gan, [
      [-2, 0.145413],
      [-Math.LN2, Math.LN2],
      [-0.2, 1.707772],
    ]);
    check(alphaDivergence(0.5), [
      [-3, -1.2],
      [1.5, 6],
    ]);
    check(alphaDivergence(2), [
      [-0.4, -0.32],
      [1, 1.5],
    ]);
    check(alphaDivergence(-1), [
      [-3, -1.645751],
      [0.4, 0.552786],
    ]);
    // f*(0) = 0 except for KL (e⁻¹); RKL and GAN have t = 0 outside their domains.
    for (const row of ROWS.filter((r) => !['kl', 'reverse-kl', 'gan'].includes(r.name))) {
      expectClose(row.conjugate(tf.scalar(0)), 0, { atol: 1e-6, message: row.name });
    }
  });

  it('is +∞ outside dom f*', () => {
    const outside: [FDivergence, number][] = [
      [fDivergences['reverse-kl'], 0.5],
      [fDivergences.neyman, 1.5],
      [fDivergences['squared-hellinger'], 1],
      [fDivergences.js, 0.35],
      [fDivergences.gan, 0.1],
      [fDivergences['total-variation'], 0.6],
      [alphaDivergence(0.5), 2.5],
      [alphaDivergence(-1), 0.6],
    ];
    for (const [row, t] of outside)
      expectClose(row.conjugate(tf.scalar(t)), Infinity, { message: row.name });
  });

  it('maps ℝ into dom f* by the activation, and conjugateActivation is f*∘g stably', () => {
    // Composing in float32 loses digits where g(v) nears the edge of dom f* (1 − t = e^{−v}
    // for Neyman/SqH), so the comparison stays within |v| ≤ 5; the fused form is the accurate one.
    const v = tf.linspace(-5, 5, 101);
    const wide = tf.tensor1d([-80, -30, 30, 80]);
    for (const row of ROWS) {
      const composed = row.conjugate(row.activation(v));
      expectClose(row.conjugateActivation(v), composed, {
        atol: 1e-5,
        rtol: 5e-5,
        message: row.name,
      });
      const far = Array.from(row.conjugateActivation(wide).dataSync());
      // Finite wherever f*∘g is: exp-growing rows (KL, SqH, Jeffrey, α > 1 pow) may overflow
      // only at +80; none may give NaN.
      expect(far.some(Number.isNaN), row.name).toBe(false);
      expect(Number.isFinite(far[0]!) && Number.isFinite(far[1]!), row.name).toBe(true);
    }
  });

  it('rejects α = 0, 1 and non-finite α; its functions do not leak', async () => {
    expect(() => alphaDivergence(1)).toThrow(/argument 'alpha' must not be 0 or 1/);
    expect(() => alphaDivergence(0)).toThrow(/argument 'alpha'/);
    expect(() => alphaDivergence(Number.NaN)).toThrow(/argument 'alpha' must be a finite number/);
    const u = tf.tensor1d([0.5, 1, 2]);
    for (const row of ROWS) {
      await expectNoLeak(
        () => [
          row.f(u),
          row.derivative(u),
          row.conjugate(u),
          row.activation(u),
          row.conjugateActivation(u),
        ],
        row.name,
      );
    }
    u.dispose();
  });
});
