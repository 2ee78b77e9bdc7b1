import { InvalidArgumentError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { TestCost } from './test-cost.js';
import { testCosts } from './test-costs.js';

// Oracles independent of the closed forms: E[f] by Simpson's rule on the density (float64), and
// the gradients by central differences of that quadrature.
function simpson(g: (x: number) => number, a: number, b: number, n: number): number {
  const h = (b - a) / n;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    sum += w * g(a + i * h);
  }
  return (sum * h) / 3;
}

const normalExpectation = (c: TestCost, k: number, mu: number, sigma: number) =>
  simpson(
    (x) =>
      (c.evaluate(x, k) * Math.exp(-0.5 * ((x - mu) / sigma) ** 2)) /
      (sigma * Math.sqrt(2 * Math.PI)),
    mu - 12 * sigma,
    mu + 12 * sigma,
    4000,
  );

const exponentialExpectation = (c: TestCost, k: number, rate: number) =>
  simpson((x) => c.evaluate(x, k) * rate * Math.exp(-rate * x), 0, 50 / rate, 40_000);

const central = (f: (t: number) => number, t: number, eps = 1e-4) =>
  (f(t + eps) - f(t - eps)) / (2 * eps);

const costs = Object.values(testCosts);

describe('testCosts: closed forms against quadrature', () => {
  for (const c of costs) {
    it(`${c.name}: E and ∂μ, ∂σ under the Normal over the grid`, () => {
      for (const k of c.grid) {
        for (const [mu, sigma] of [
          [1, 1],
          [0.3, 1.7],
          [-1.2, 0.4],
        ] as const) {
          const exact = c.exact.normal({ loc: mu, scale: sigma }, k);
          const at = `k = ${k}, μ = ${mu}, σ = ${sigma}`;
          expect(exact.value, at).toBeCloseTo(normalExpectation(c, k, mu, sigma), 8);
          const dMu = central((m) => normalExpectation(c, k, m, sigma), mu);
          const dSigma = central((s) => normalExpectation(c, k, mu, s), sigma);
          expect(exact.gradient.loc, at).toBeCloseTo(dMu, 5);
          expect(exact.gradient.scale, at).toBeCloseTo(dSigma, 5);
          expect(Object.keys(exact.gradient).sort()).toEqual(['loc', 'scale']);
        }
      }
    });
  }

  for (const c of costs.filter((c) => c.exact.exponential !== undefined)) {
    it(`${c.name}: E and ∂λ under the Exponential over the grid`, () => {
      for (const k of c.grid) {
        for (const rate of [0.5, 1, 2.5]) {
          const exact = c.exact.exponential!({ rate }, k);
          const at = `k = ${k}, λ = ${rate}`;
          expect(exact.value, at).toBeCloseTo(exponentialExpectation(c, k, rate), 7);
          const dRate = central((r) => exponentialExpectation(c, k, r), rate);
          expect(exact.gradient.rate, at).toBeCloseTo(dRate, 5);
        }
      }
    });
  }

  it('sweeps the paper’s k ranges: −3…3 linearly, 0.5…5 and 0.1…10 geometrically', () => {
    expect(testCosts.quadratic.grid).toEqual([
      -3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3,
    ]);
    for (const [c, lo, hi] of [
      [testCosts.cos, 0.5, 5],
      [testCosts.exp, 0.1, 10],
    ] as const) {
      expect([c.grid[0], c.grid.at(-1)]).toEqual([lo, hi]);
      const ratios = c.grid.slice(1).map((k, i) => k / c.grid[i]!);
      // Three significant digits leave the ratios within 1% of the exact (hi/lo)^{1/8}.
      for (const r of ratios) expect(Math.abs(r / (hi / lo) ** (1 / 8) - 1)).toBeLessThan(0.01);
    }
  });

  it('labels the formula with k as given', () => {
    expect(testCosts.quadratic.label()).toBe('(x − k)²');
    expect(testCosts.quadratic.label(3)).toBe('(x − 3)²');
    expect(testCosts.cos.label(0.5)).toBe('cos(0.5x)');
    expect(testCosts.exp.label()).toBe('exp(−kx²)');
  });

  it('refuses bad parameters with typed errors naming the function and the argument', () => {
    const cases: [() => unknown, RegExp][] = [
      [
        () => testCosts.cos.exact.normal({ loc: 0, scale: 0 }, 1),
        /testCosts.cos.exact.normal: argument 'params.scale' must be a finite number > 0, got 0/,
      ],
      [
        () => testCosts.quadratic.exact.normal({ mu: 0, scale: 1 } as never, 1),
        /testCosts.quadratic.exact.normal \(params\): unknown option 'mu'/,
      ],
      [
        () => testCosts.quadratic.exact.exponential!({ rate: -1 }, 1),
        /argument 'params.rate' must be a finite number > 0, got -1/,
      ],
      [
        () => testCosts.exp.exact.normal({ loc: 0, scale: 1 }, -1),
        /testCosts.exp.exact.normal: argument 'k' must be a finite number >= 0, got -1/,
      ],
      [() => testCosts.cos.exact.normal({ loc: 0, scale: 1 }, Number.NaN), /argument 'k'/],
      [() => testCosts.cos.cost('2' as never), /testCosts.cos.cost: argument 'k'/],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(message);
    }
    expect(testCosts.exp.exact.exponential).toBeUndefined();
  });
});

describeBackends('testCosts: tensor costs', ({ tolerance }) => {
  it('cost(k) agrees with evaluate(x, k), for a number k and for a broadcast grid of k', async () => {
    const xs = [-2.5, -0.3, 0, 0.7, 1.9];
    for (const c of costs) {
      await expectNoLeak(() => {
        const k = c.grid[3]!;
        const close = { rtol: 10 * tolerance, atol: 10 * tolerance };
        const x = tf.tensor1d(xs);
        // Draws [5, K] against the grid [K]: column j is f(x; k_j).
        const grid = tf.tensor1d([...c.grid]);
        const columns = tf.tidy(() => tf.tile(tf.reshape(x, [5, 1]), [1, c.grid.length]));
        const single = c.cost(k)(x);
        const swept = c.cost(grid)(columns);
        expectClose(
          single,
          xs.map((v) => c.evaluate(v, k)),
          close,
        );
        expectClose(
          swept,
          xs.map((v) => c.grid.map((kj) => c.evaluate(v, kj))),
          close,
        );
        tf.dispose([x, grid, columns, single, swept]);
      });
    }
  });
});
