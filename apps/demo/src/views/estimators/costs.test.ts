import { describe, expect, it } from 'vitest';
import { COSTS } from './costs.js';

describe('exact expectations and gradients of the costs', () => {
  // Oracle: E[f] by Simpson quadrature of f·N(μ, σ²) on [μ − 12σ, μ + 12σ], gradients by central
  // differences of that quadrature.
  const f = {
    quadratic: (x: number, k: number) => (x - k) ** 2,
    exp: (x: number, k: number) => Math.exp(-k * x * x),
    cos: (x: number, k: number) => Math.cos(k * x),
  };
  function expectation(id: keyof typeof f, k: number, mu: number, sigma: number): number {
    const n = 4000;
    const a = mu - 12 * sigma;
    const h = (24 * sigma) / n;
    let sum = 0;
    for (let i = 0; i <= n; i += 1) {
      const x = a + i * h;
      const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
      const density = Math.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * Math.sqrt(2 * Math.PI));
      sum += w * f[id](x, k) * density;
    }
    return (sum * h) / 3;
  }

  for (const id of ['quadratic', 'exp', 'cos'] as const) {
    it(`${id}: value and ∂μ, ∂σ match quadrature and finite differences`, () => {
      const eps = 1e-4;
      for (const k of [COSTS[id].grid[0]!, COSTS[id].grid[4]!, COSTS[id].grid.at(-1)!]) {
        for (const [mu, sigma] of [
          [1, 1],
          [0.3, 1.7],
        ]) {
          const exact = COSTS[id].exact(k, mu!, sigma!);
          expect(exact.value).toBeCloseTo(expectation(id, k, mu!, sigma!), 8);
          const dMu =
            (expectation(id, k, mu! + eps, sigma!) - expectation(id, k, mu! - eps, sigma!)) /
            (2 * eps);
          const dSigma =
            (expectation(id, k, mu!, sigma! + eps) - expectation(id, k, mu!, sigma! - eps)) /
            (2 * eps);
          expect(exact.loc).toBeCloseTo(dMu, 5);
          expect(exact.scale).toBeCloseTo(dSigma, 5);
        }
      }
    });
  }
});
