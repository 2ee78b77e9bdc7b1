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

  it('hands its state over: a restored instance continues from the same μ, σ, steps and Adam moments', async () => {
    const names = ['kl', 'reverse-kl'] as const;
    type Name = (typeof names)[number];
    const twoModes = mixtureOf({ weights: [0.6, 0.4], means: [-2, 2], scales: [0.6, 0.8] });
    await expectNoLeak(async () => {
      const a = new GaussianFits<Name>(twoModes, { start: { mu: -1, sigma: 1 } });
      expect(await a.state()).toEqual({ learningRate: 0.05, fits: {} });
      await a.step(names, 40);
      const state = await a.state();
      // Plain data: it survives JSON (and so postMessage) unchanged.
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
      expect(state.fits.kl?.steps).toBe(40);
      expect(state.fits.kl?.adam.iterations).toBe(40);
      const before = await a.snapshot(names);
      expect(state.fits['reverse-kl']?.mu).toBe(before.mu[1]);
      expect(state.fits['reverse-kl']?.sigma).toBeCloseTo(before.sigma[1]!, 6);

      // Another instance, started elsewhere, takes the state over and continues it.
      const b = new GaussianFits<Name>(twoModes, { start: { mu: 4, sigma: 3 } });
      await b.step(['kl'], 5);
      await b.restore(state);
      const restored = await b.snapshot(names);
      for (const key of ['mu', 'sigma', 'objective'] as const) {
        restored[key].forEach((x, i) => {
          expect(x).toBeCloseTo(before[key][i]!, 6);
        });
      }
      await a.step(names, 30);
      await b.step(names, 30);
      const [left, right] = [await a.snapshot(names), await b.snapshot(names)];
      for (const key of ['mu', 'sigma', 'objective'] as const) {
        right[key].forEach((x, i) => {
          expect(x).toBeCloseTo(left[key][i]!, 5);
        });
      }
      expect((await b.state()).fits.kl?.steps).toBe(70);
      // Fresh Adam moments would have taken another path.
      const fresh = new GaussianFits<Name>(twoModes, { start: { mu: -1, sigma: 1 } });
      await fresh.restore({
        ...state,
        fits: Object.fromEntries(
          Object.entries(state.fits).map(([n, f]) => [
            n,
            { ...f, adam: { iterations: 0, m: [0, 0], v: [0, 0] } },
          ]),
        ),
      });
      await fresh.step(names, 30);
      expect(Math.abs((await fresh.snapshot(names)).mu[0]! - left.mu[0]!)).toBeGreaterThan(1e-4);

      // A bad state is refused whole, naming the field, and changes nothing.
      const kl = state.fits.kl!;
      await expect(b.restore({ ...state, fits: { kl: { ...kl, sigma: -1 } } })).rejects.toThrow(
        /GaussianFits.restore: argument 'state.fits.kl.sigma' must be a finite number > 0, got -1/,
      );
      await expect(
        b.restore({ ...state, fits: { kl: { ...kl, adam: { ...kl.adam, v: [1, -1] } } } }),
      ).rejects.toThrow(/argument 'state.fits.kl.adam.v' must be two finite numbers >= 0/);
      await expect(b.restore({ ...state, fits: { alpha: kl } as never })).rejects.toThrow(
        InvalidArgumentError,
      );
      await expect(b.restore({ ...state, learningRate: 0 })).rejects.toThrow(
        /argument 'state.learningRate'/,
      );
      await expect(b.restore(null as never)).rejects.toThrow(/argument 'state'/);
      expect((await b.state()).fits.kl?.steps).toBe(70);
      a.dispose();
      b.dispose();
      fresh.dispose();
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
