import { initBackend } from '@gen/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectLogProbGradients,
  expectPathwiseGradient,
} from '../test/examples/continuous-checks.js';
import { Weibull } from './weibull.js';

// scipy.special: gamma(1 + 1/1.5), digamma(1 + 1/1.5).
const GAMMA_5_3 = 0.9027452929509335;
const DIGAMMA_5_3 = 0.1817655842134114;

describe('Weibull', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('rsample: d/dλ E[x] = Γ(1 + 1/k) and d/dk E[x] = −λ Γ(1 + 1/k) ψ(1 + 1/k)/k² by Monte Carlo', () => {
    const [k, lambda] = [1.5, 2];
    expectPathwiseGradient({
      build: (t) => new Weibull({ shape: k, scale: t, validateArgs: false }),
      theta: lambda,
      f: (x) => x,
      expected: GAMMA_5_3,
      perDraw: (x) => x / lambda,
      seed: 61,
    });
    expectPathwiseGradient({
      build: (t) => new Weibull({ shape: t, scale: lambda, validateArgs: false }),
      theta: k,
      f: (x) => x,
      expected: (-lambda * GAMMA_5_3 * DIGAMMA_5_3) / k ** 2,
      perDraw: (x) => (-x * Math.log(x / lambda)) / k,
      seed: 62,
    });
  });

  it('logProb gradients match finite differences', () => {
    expectLogProbGradients(
      (p) => new Weibull({ shape: p.shape!, scale: p.scale! }),
      { shape: [0.6, 2.5], scale: [1, 3] },
      [
        [0.3, 2],
        [2.5, 4.5],
      ],
    );
  });

  it('rejects non-positive parameters and negative points, naming them', () => {
    expect(() => new Weibull({ shape: 0, scale: 1 })).toThrow(
      /Weibull: argument 'shape' must be > 0, got 0/,
    );
    expect(() => new Weibull({ shape: 1, scale: [1, -3] })).toThrow(/'scale' must be > 0, got -3/);
    const d = new Weibull({ shape: 2, scale: 1 });
    expect(() => d.logProb(-0.25)).toThrow(/Weibull.logProb: argument 'x' must be >= 0, got -0.25/);
    d.dispose();
  });
});
