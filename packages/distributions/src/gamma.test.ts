import { GenError, InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectLogProbGradients,
  expectPathwiseGradient,
} from '../test/examples/continuous-checks.js';
import { loadFixture } from '../test/examples/load-fixture.js';
import { Gamma } from './gamma.js';
import { gammaQuantileGrad } from './gamma-quantile-grad.js';

// scipy.special.polygamma(1, α): d/dα E[log z] = d/dα (ψ(α) − log β) = ψ₁(α).
const TRIGAMMA = { 0.3: 12.245364546107734, 2.5: 0.4903577561002349, 40: 0.025315103841291032 };

describeBackends('gammaQuantileGrad', () => {
  it('implicit gradient dz/dα matches finite differences of scipy quantiles', () => {
    const f = (loadFixture('continuous') as Record<string, Record<string, number[]>>)
      .gamma_quantile_grad!;
    const alpha = tf.tensor1d(f.alpha!);
    const z = tf.tensor1d(f.z!);
    const g = gammaQuantileGrad(alpha, z);
    // 0.05 ≤ α ≤ 3000, quantiles 1e-3 … 0.999; z itself is rounded to float32 (6e-8 relative).
    expectClose(g, f.dzdalpha!, { atol: 0, rtol: 1e-5 });
    tf.dispose([alpha, z, g]);
  });
});

describe('Gamma', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  for (const [alpha, trigamma] of Object.entries(TRIGAMMA)) {
    const a = Number(alpha);
    it(`rsample: d/dα E[x] = 1/β and d/dα E[log x] = ψ₁(α) by Monte Carlo (α = ${a})`, () => {
      const rate = 2;
      const build = (c: tf.Tensor) => new Gamma({ concentration: c, rate, validateArgs: false });
      // 4000 draws: the per-draw gradient itself is checked against scipy above.
      const n = 4000;
      expectPathwiseGradient({ build, theta: a, f: (x) => x, expected: 1 / rate, n, seed: 11 });
      expectPathwiseGradient({ build, theta: a, f: tf.log, expected: trigamma, n, seed: 12 });
    });
  }

  it('rsample: d/dβ E[x²] = −2α(α + 1)/β³ by Monte Carlo', () => {
    const [a, b] = [1.7, 0.8];
    expectPathwiseGradient({
      build: (r) => new Gamma({ concentration: a, rate: r, validateArgs: false }),
      theta: b,
      f: tf.square,
      expected: (-2 * a * (a + 1)) / b ** 3,
      perDraw: (x) => (-2 * x * x) / b,
      seed: 13,
    });
  });

  it('logProb gradients match finite differences', () => {
    expectLogProbGradients(
      (p) => new Gamma({ concentration: p.concentration!, rate: p.rate! }),
      { concentration: [0.7, 3, 25], rate: [1.5, 0.5, 2] },
      [
        [0.2, 4, 13],
        [1.5, 9, 11],
      ],
    );
  });

  it('rejects bad parameters and points outside the support with typed errors', () => {
    expect(() => new Gamma({ concentration: [1, 0], rate: 1 })).toThrow(
      /Gamma: argument 'concentration' must be > 0, got 0/,
    );
    expect(() => new Gamma({ concentration: 1, rate: Number.NaN })).toThrow(InvalidArgumentError);
    const d = new Gamma({ concentration: 2, rate: 1 });
    expect(() => d.logProb([1, -0.5])).toThrow(
      /Gamma.logProb: argument 'x' must be >= 0, got -0.5/,
    );
    expect(() => d.logProb(Number.POSITIVE_INFINITY)).toThrow(GenError);
    d.dispose();
  });

  it('draws hit scipy quantiles at their probabilities (boosted α < 1, moderate and large α)', () => {
    const f = (loadFixture('continuous') as Record<string, Record<string, number[]>>)
      .gamma_quantile_grad!;
    const probabilities = [1e-3, 0.1, 0.5, 0.9, 0.999];
    const n = 20000;
    for (const alpha of [0.3, 9, 150]) {
      const quantiles = f.z!.filter((_, i) => f.alpha![i] === alpha);
      expect(quantiles.length).toBe(probabilities.length);
      const d = new Gamma({ concentration: alpha, rate: 1 });
      const x = d.sample(n, Rng.fromSeed(Math.round(alpha * 10)));
      const draws = x.dataSync();
      probabilities.forEach((u, j) => {
        const below = draws.filter((v) => v <= quantiles[j]!).length / n;
        // Binomial standard error of the empirical CDF at the u-quantile.
        const se = Math.sqrt((u * (1 - u)) / n);
        expect(Math.abs(below - u), `α ${alpha}: F̂(z_${u}) = ${below}`).toBeLessThanOrEqual(4 * se);
      });
      x.dispose();
      d.dispose();
    }
  });

  it('draws are positive and finite even for tiny concentrations', () => {
    const d = new Gamma({ concentration: [0.01, 1e4], rate: 1 });
    const x = d.sample(2000, Rng.fromSeed(3));
    const values = x.dataSync();
    for (const v of values) expect(v > 0 && Number.isFinite(v), `draw ${v}`).toBe(true);
    tf.dispose([x]);
    d.dispose();
  });

  it('does not leak through rsample gradients', async () => {
    const c = tf.tensor1d([0.5, 4]);
    await expectNoLeak(() =>
      tf.grad((t: tf.Tensor) => {
        const d = new Gamma({ concentration: t, rate: 2 });
        const out = tf.sum(d.rsample(5, Rng.fromSeed(4)));
        d.dispose();
        return out;
      })(c),
    );
    c.dispose();
  });
});
