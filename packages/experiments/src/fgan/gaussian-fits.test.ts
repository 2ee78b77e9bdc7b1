import { InvalidArgumentError, initBackend } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import type { Mixture } from '@gen/distributions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GaussianFits } from './gaussian-fits.js';
import { quadratureDivergence } from './quadrature-fit.js';
import { mixtureOf } from './target.js';

describe('GaussianFits', () => {
  let p: Mixture;
  beforeAll(async () => {
    await initBackend('wasm');
    p = mixtureOf();
  });
  afterAll(() => p.dispose());

  it('steps in chunks: the train/test diagonal is each fit’s own objective', async () => {
    const names = ['kl', 'reverse-kl', 'squared-hellinger'] as const;
    // Two well-separated modes, as in the demo: 0.6 N(−2, 0.6²) + 0.4 N(2, 0.8²).
    const twoModes = mixtureOf({ weights: [0.6, 0.4], means: [-2, 2], scales: [0.6, 0.8] });
    await expectNoLeak(async () => {
      const fits = new GaussianFits<(typeof names)[number]>(twoModes, {
        start: { mu: -1, sigma: 1 },
      });
      const start = await fits.snapshot(names);
      await fits.step(names, 150);
      fits.setLearningRate(0.01);
      await fits.step(names, 50);
      const end = await fits.snapshot(names);
      for (const [i, name] of names.entries()) {
        expect(end.objective[i]!).toBeLessThan(start.objective[i]!);
        expect(end.objective[i]).toBe(end.matrix[i]![i]);
        const alone = await quadratureDivergence(name, twoModes, {
          mu: end.mu[i]!,
          sigma: end.sigma[i]!,
        });
        expect(end.objective[i]!).toBeCloseTo(alone, 5);
      }
      // Mode seeking: from N(−1, 1) reverse KL settles on the mode N(−2, 0.6²); KL covers both.
      expect(Math.abs(end.mu[1]! + 2)).toBeLessThan(0.05);
      expect(Math.abs(end.sigma[1]! - 0.6)).toBeLessThan(0.05);
      expect(end.sigma[0]!).toBeGreaterThan(1.8);
      fits.dispose();
    });
    twoModes.dispose();
  });

  it('has a zero gradient norm only at a stationary point', async () => {
    const fits = new GaussianFits(p, { start: { mu: 0.25, sigma: 2.5395865805284137 } });
    // The start is the KL optimum (moment matching), so ∇ vanishes there under KL only.
    expect(await fits.gradientNorm('kl')).toBeLessThan(1e-4);
    expect(await fits.gradientNorm('reverse-kl')).toBeGreaterThan(1e-2);
    fits.dispose();
  });

  it('refuses bad arguments with typed errors naming them', async () => {
    expect(() => new GaussianFits(p, { learningRate: 0 })).toThrow(
      /GaussianFits: argument 'learningRate' must be a finite number > 0, got 0/,
    );
    expect(() => new GaussianFits(p, { points: 100 })).toThrow(/argument 'points' must be odd/);
    expect(() => new GaussianFits(p, { range: [2, 1] })).toThrow(/argument 'range'/);
    expect(() => new GaussianFits(p, { steps: 3 } as never)).toThrow(/unknown option 'steps'/);
    expect(() => new GaussianFits({} as never)).toThrow(/argument 'target' must be a Distribution/);
    const fits = new GaussianFits(p);
    await expect(fits.step(['alpha' as never], 1)).rejects.toThrow(InvalidArgumentError);
    await expect(fits.step(['kl'], -1)).rejects.toThrow(/GaussianFits.step: argument 'steps'/);
    fits.dispose();
  });
});
