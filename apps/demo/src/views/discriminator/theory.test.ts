import { readFileSync } from 'node:fs';
import { initBackend } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  densities,
  divergenceCurves,
  linspace,
  optimalDiscriminator,
  optimalLoss,
  SHAPES,
  type Shape,
  supportRange,
  trapezoid,
  weightedMeanAbs,
} from './theory.js';

const [GAUSSIAN, BIMODAL] = SHAPES as [Shape, Shape];

/** scipy's values (fixtures/divergences.py): JSD and W₁ by adaptive quadrature. */
const SCIPY = JSON.parse(
  readFileSync(new URL('./fixtures/divergences.json', import.meta.url), 'utf8'),
) as Record<string, { deltas: number[]; jsd: number[]; w1: number[] }>;

/** Plain-number density of p shifted by `shift` (independent of @gen/distributions). */
function pdf(shape: Shape, x: number, shift: number): number {
  let sum = 0;
  shape.means.forEach((m, k) => {
    const s = shape.stds[k]!;
    const z = (x - m - shift) / s;
    sum += Math.exp(-0.5 * z * z) / (s * Math.sqrt(2 * Math.PI));
  });
  return sum / shape.means.length;
}

describe('discriminator theory', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('D* matches its closed form σ(((x − Δ)² − x²)/2) for N(0, 1) against N(Δ, 1)', async () => {
    const xs = linspace(-6, 8, 57);
    for (const delta of [0, 0.7, 2, 5]) {
      const got = await optimalDiscriminator(GAUSSIAN, delta, xs);
      xs.forEach((x, i) => {
        const exact = 1 / (1 + Math.exp(-((x - delta) ** 2 - x ** 2) / 2));
        expect(got[i]!).toBeCloseTo(exact, 5);
      });
    }
    // Where p = q (x = Δ/2), D* = ½; Δ = 0 gives ½ everywhere.
    expect((await optimalDiscriminator(GAUSSIAN, 3, [1.5]))[0]).toBeCloseTo(0.5, 6);
  });

  it('D* of the two-mode p is p/(p + q) of the plain densities, and p, q are those densities', async () => {
    const xs = linspace(-4, 7, 45);
    const delta = 1.3;
    const dStar = await optimalDiscriminator(BIMODAL, delta, xs);
    const { p, q } = await densities(BIMODAL, delta, xs);
    xs.forEach((x, i) => {
      const pi = pdf(BIMODAL, x, 0);
      const qi = pdf(BIMODAL, x, delta);
      expect(p[i]!).toBeCloseTo(pi, 5);
      expect(q[i]!).toBeCloseTo(qi, 5);
      expect(dStar[i]!).toBeCloseTo(pi / (pi + qi), 5);
    });
  });

  it('JSD: 0 for identical distributions, log 2 for (numerically) disjoint supports', async () => {
    for (const shape of SHAPES) {
      const c = await divergenceCurves(shape, [0, 40]);
      expect(Math.abs(c.jsd[0]!)).toBeLessThan(1e-6);
      expect(c.jsd[1]!).toBeCloseTo(Math.LN2, 3);
      expect(c.jsd[1]!).toBeLessThanOrEqual(Math.LN2 + 1e-6);
    }
  });

  it('JSD and W₁ agree with scipy (adaptive quadrature, fixtures/divergences.py)', async () => {
    for (const shape of SHAPES) {
      const oracle = SCIPY[shape.id]!;
      const c = await divergenceCurves(shape, oracle.deltas);
      oracle.deltas.forEach((_, i) => {
        expect(Math.abs(c.jsd[i]! - oracle.jsd[i]!)).toBeLessThan(2e-5);
        expect(Math.abs(c.w1[i]! - oracle.w1[i]!)).toBeLessThan(2e-4);
      });
    }
  });

  it('W₁ of equal-shape distributions is |Δ| with derivative 1; JSD’s derivative vanishes', async () => {
    const deltas = [0.25, 1, 2.5, 4, 6, 8];
    for (const shape of SHAPES) {
      const c = await divergenceCurves(shape, deltas);
      deltas.forEach((d, i) => {
        expect(Math.abs(c.w1[i]! - d)).toBeLessThan(1e-3 * Math.max(1, d));
        expect(Math.abs(c.dW1[i]! - 1)).toBeLessThan(1e-3);
      });
      // At Δ = 8 the overlap is gone: JSD sits at log 2 with a vanishing gradient.
      expect(c.jsd.at(-1)!).toBeGreaterThan(Math.LN2 - 1e-3);
      expect(Math.abs(c.dJsd.at(-1)!)).toBeLessThan(1e-3);
    }
  });

  it('dJSD/dΔ and dW₁/dΔ (autodiff) match central finite differences', async () => {
    const h = 0.01;
    for (const shape of SHAPES) {
      const centre = [0.4, 1.1, 2.3, 3.7];
      const c = await divergenceCurves(shape, centre);
      const up = await divergenceCurves(
        shape,
        centre.map((d) => d + h),
      );
      const down = await divergenceCurves(
        shape,
        centre.map((d) => d - h),
      );
      centre.forEach((_, i) => {
        const fdJsd = (up.jsd[i]! - down.jsd[i]!) / (2 * h);
        const fdW1 = (up.w1[i]! - down.w1[i]!) / (2 * h);
        expect(Math.abs(c.dJsd[i]! - fdJsd)).toBeLessThan(2e-3);
        expect(Math.abs(c.dW1[i]! - fdW1)).toBeLessThan(2e-3);
      });
    }
    // The two-mode p's JSD is not monotone in Δ: at Δ = 3 the modes re-align and JSD falls.
    const bimodal = await divergenceCurves(BIMODAL, [2.3]);
    expect(bimodal.dJsd[0]!).toBeLessThan(0);
  });

  it('the loss of D* by quadrature equals log 4 − 2·JSD (Goodfellow et al. 2014)', async () => {
    for (const shape of SHAPES) {
      for (const delta of [0.5, 2, 4]) {
        const [a, b] = supportRange(shape, delta);
        const xs = linspace(a, b, 8001);
        const loss = trapezoid(
          xs,
          xs.map((x) => {
            // −p log D* − q log(1 − D*) with −log D* = softplus(log q − log p), stable in the tails.
            const p = pdf(shape, x, 0);
            const q = pdf(shape, x, delta);
            if (p === 0 || q === 0) return 0;
            const t = Math.log(q) - Math.log(p);
            const softplus = (u: number) => (u > 30 ? u : Math.log1p(Math.exp(u)));
            return p * softplus(t) + q * softplus(-t);
          }),
        );
        const jsd = (await divergenceCurves(shape, [delta])).jsd[0]!;
        expect(optimalLoss(jsd)).toBeCloseTo(loss, 4);
      }
    }
    expect(optimalLoss(0)).toBeCloseTo(Math.log(4), 12);
    expect(optimalLoss(Math.LN2)).toBeCloseTo(0, 12);
  });

  it('weightedMeanAbs and trapezoid against hand values', () => {
    expect(weightedMeanAbs([1, 2, 3], [1, 0, 6], [1, 1, 2])).toBeCloseTo((0 + 2 + 6) / 4, 12);
    expect(weightedMeanAbs([1], [2], [0])).toBeNaN();
    const xs = linspace(0, 1, 101);
    expect(
      trapezoid(
        xs,
        xs.map((x) => 3 * x),
      ),
    ).toBeCloseTo(1.5, 12);
  });

  it('leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    await divergenceCurves(BIMODAL, [0.5, 2]);
    await optimalDiscriminator(BIMODAL, 1, [0, 1]);
    await densities(GAUSSIAN, 1, [0, 1]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
