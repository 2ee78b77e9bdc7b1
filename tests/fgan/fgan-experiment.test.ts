import { initBackend } from '@gen/core';
import type { Mixture } from '@gen/distributions';
import {
  type FganName,
  type GaussianFit as Fit,
  formatMatrix,
  FGAN_LABELS as LABELS,
  mixtureOf,
  momentMatch,
  FGAN_NAMES as NAMES,
  quadratureDivergence,
  quadratureFit,
  trainTestMatrix,
  variationalFit,
} from '@gen/experiments';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The f-GAN experiment of @gen/experiments, which `gen fgan` runs (the mixture, the quadrature
// optima, the variational training). 500 steps (100 critic-only warm-up, iterates averaged over the last
// 200) keep this test near 60 s on a 2-core machine: ≈ 12 s per divergence.
const BUDGET = { steps: 500, warmUp: 100, averageFrom: 300 };

describe('f-GAN experiment: a Gaussian fitted to a mixture of three Gaussians', () => {
  let p: Mixture;
  const optima = {} as Record<FganName, Fit & { gradient: number }>;

  beforeAll(async () => {
    await initBackend('wasm');
    p = mixtureOf();
    for (const name of NAMES) optima[name] = await quadratureFit(name, p);
  });
  afterAll(() => p.dispose());

  it('finds stationary quadrature optima; under KL it is moment matching', () => {
    for (const name of NAMES) expect(optima[name].gradient, name).toBeLessThan(2e-3);
    // KL(P‖Q_θ) is minimised by μ* = Σwm, σ*² = Σw(s² + m²) − μ*²
    // (docs/references.md#the-gaussian-mixture-experiment), computed here independently of the
    // quadrature.
    const moments = momentMatch();
    expect(Math.abs(optima.kl.mu - moments.mu)).toBeLessThan(2e-3);
    expect(Math.abs(optima.kl.sigma - moments.sigma)).toBeLessThan(2e-3);
    expect(moments.mu).toBeCloseTo(0.5 * -2 + 0.3 * 1.5 + 0.2 * 4, 12);
    // Mode seeking vs mass covering: reverse KL is narrowest, Pearson widest.
    expect(optima['reverse-kl'].sigma).toBeLessThan(optima.kl.sigma);
    expect(optima.pearson.sigma).toBeGreaterThan(optima.kl.sigma);
  });

  it('has the smallest value of every column of the 5×5 train/test matrix on its diagonal', async () => {
    const matrix = await trainTestMatrix(p, optima);
    console.log(
      formatMatrix('f-GAN train/test matrix at the quadrature optima (nats; js halved):', matrix, {
        μ: NAMES.map((n) => optima[n].mu),
        σ: NAMES.map((n) => optima[n].sigma),
      }),
    );
    NAMES.forEach((column, j) => {
      NAMES.forEach((row, i) => {
        if (i !== j) {
          expect(matrix[j]![j]!, `${row} row vs diagonal, ${column} column`).toBeLessThan(
            matrix[i]![j]!,
          );
        }
      });
    });
  });

  const variational = {} as Record<FganName, Fit>;
  // The generator's term f*(T*) = r f′(r) − f(r), r = p/q, stays bounded where P has no mass
  // (r → 0) for KL (→ 0), JS (→ ½ log 2) and Pearson (→ −1), but diverges like log r for reverse
  // KL and Jeffrey, so the critic must reach large negative values in Q's tails, where no draw
  // of P pins it: a tanh critic trained for a few hundred steps does not, under-penalises Q's
  // tails and leaves σ̂ too large. Measured over four seeds (this file's and three others):
  // σ̂ − σ* = +0.16…+0.27 (reverse KL) and +0.26…+0.31 (Jeffrey), |σ̂ − σ*| ≤ 0.08 for the
  // others; |μ̂ − μ*| ≤ 0.14 (Jeffrey) and ≤ 0.06 otherwise. The tolerances add a margin of
  // about 0.05–0.1 to those (the runs are deterministic on wasm for a given seed).
  const TOLERANCE: Record<FganName, Fit> = {
    kl: { mu: 0.15, sigma: 0.12 },
    'reverse-kl': { mu: 0.15, sigma: 0.35 },
    js: { mu: 0.15, sigma: 0.12 },
    jeffreys: { mu: 0.25, sigma: 0.4 },
    pearson: { mu: 0.15, sigma: 0.12 },
  };
  NAMES.forEach((name, k) => {
    it(`trains a variational (f-GAN) fit under ${LABELS[name]} near its quadrature optimum`, async () => {
      const fit = await variationalFit(name, p, 100 + k, BUDGET);
      variational[name] = fit;
      const optimum = optima[name];
      expect(Math.abs(fit.mu - optimum.mu), `μ̂ = ${fit.mu}, μ* = ${optimum.mu}`).toBeLessThan(
        TOLERANCE[name].mu,
      );
      expect(
        Math.abs(fit.sigma - optimum.sigma),
        `σ̂ = ${fit.sigma}, σ* = ${optimum.sigma}`,
      ).toBeLessThan(TOLERANCE[name].sigma);
      // The trained critic's bound is a lower bound of the divergence at the trained model.
      const exact = await quadratureDivergence(name, p, fit);
      expect(fit.bound, `F̂ = ${fit.bound} ± ${fit.se}, D = ${exact}`).toBeLessThanOrEqual(
        exact + 4 * fit.se,
      );
    });
  });

  it('prints the train/test matrix of the variational fits', async () => {
    expect(Object.keys(variational)).toHaveLength(NAMES.length);
    const matrix = await trainTestMatrix(p, variational);
    console.log(
      formatMatrix('f-GAN train/test matrix at the variational fits (nats; js halved):', matrix, {
        μ: NAMES.map((n) => variational[n].mu),
        σ: NAMES.map((n) => variational[n].sigma),
      }),
    );
    // Where the critic is unbiased (bounded f*(T*): KL, JS, Pearson) the variational fit is
    // within 2% of the best its own divergence can do (measured: 0.1–0.3%, the noise of the
    // averaged iterates); reverse KL and Jeffrey pay for the σ̂ bias above (≈ 12%).
    for (const [i, name] of NAMES.entries()) {
      if (name === 'reverse-kl' || name === 'jeffreys') continue;
      expect(matrix[i]![i]!, name).toBeLessThan(
        1.02 * (await quadratureDivergence(name, p, optima[name])),
      );
    }
  });
});
