import { initBackend } from '@gen/core';
import { Mixture, Normal } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_COMPONENTS,
  linspace,
  MixtureInputError,
  mixturePdf,
  mixtureProblems,
  mixtureRange,
  momentMatch,
  normaliseMixture,
  pearsonMinSigma,
} from './mixture.js';

const target = normaliseMixture(DEFAULT_COMPONENTS);

describe('mixture math', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('drops zero weights, normalises, and rejects bad input naming the component', () => {
    expect(target).toHaveLength(2);
    expect(target[0]!.weight + target[1]!.weight).toBeCloseTo(1, 12);
    expect(() => normaliseMixture([{ weight: 1, mean: 0, std: 0 }])).toThrow(
      /component 1: std 0 must be > 0/,
    );
    expect(() => normaliseMixture([{ weight: -1, mean: 0, std: 1 }])).toThrow(MixtureInputError);
    expect(() => normaliseMixture([{ weight: 0, mean: 0, std: 1 }])).toThrow(/weight > 0/);
    expect(() => normaliseMixture([{ weight: 1, mean: Number.NaN, std: 1 }])).toThrow(/mean/);
  });

  it('lists every problem of a mixture, not only the first', () => {
    expect(mixtureProblems(DEFAULT_COMPONENTS)).toEqual([]);
    const problems = mixtureProblems([
      { weight: -1, mean: 0, std: 0 },
      { weight: 0, mean: Number.NaN, std: 1 },
    ]);
    expect(problems).toEqual([
      'component 1: weight -1 < 0',
      'component 1: std 0 must be > 0',
      'component 2: mean must be a number, got NaN',
      'the mixture needs a component with weight > 0',
    ]);
    try {
      normaliseMixture([{ weight: 0, mean: 0, std: -1 }]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MixtureInputError);
      expect((error as MixtureInputError).problems).toHaveLength(2);
    }
  });

  it('pearsonMinSigma: σ² > s²/2 for the widest weighted component (with a 10 % margin)', () => {
    // ∫ N(x|0, s²)² / N(x|0, σ²) dx = σ / (s √(2σ² − s²)) for σ² > s²/2, else ∞.
    const closed = (s: number, sigma: number) => sigma / (s * Math.sqrt(2 * sigma ** 2 - s ** 2));
    const floor = pearsonMinSigma(DEFAULT_COMPONENTS);
    expect(floor).toBeCloseTo((1.1 * 0.8) / Math.SQRT2, 12);
    expect(Number.isFinite(closed(0.8, floor))).toBe(true);
    expect(Number.isNaN(closed(0.8, 0.8 / Math.SQRT2 - 1e-9))).toBe(true);
    // Zero-weight components (the third, std 0.5) do not count; a wider weighted one does.
    expect(pearsonMinSigma([{ weight: 1, mean: 0, std: 4 }])).toBeCloseTo((1.1 * 4) / Math.SQRT2);
  });

  it('matches exp(Mixture.logProb) of @gen/distributions and integrates to 1', async () => {
    const xs = linspace(...mixtureRange(target), 2001);
    const p = new Mixture({
      probs: target.map((c) => c.weight),
      components: new Normal({ loc: target.map((c) => c.mean), scale: target.map((c) => c.std) }),
    });
    const logProb = p.logProb(tf.tensor1d(xs));
    const oracle = Array.from(await logProb.data()).map(Math.exp);
    tf.dispose([logProb]);
    p.dispose();
    xs.forEach((x, i) => {
      expect(mixturePdf(x, target)).toBeCloseTo(oracle[i]!, 6);
    });
    const h = xs[1]! - xs[0]!;
    const integral = xs.reduce((sum, x) => sum + mixturePdf(x, target), 0) * h;
    expect(integral).toBeCloseTo(1, 6);
  });

  it('moment matching gives the mixture mean and variance (law of total variance)', () => {
    const { mu, sigma } = momentMatch(target);
    const xs = linspace(-20, 20, 40001);
    const h = xs[1]! - xs[0]!;
    const mean = xs.reduce((s, x) => s + x * mixturePdf(x, target), 0) * h;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2 * mixturePdf(x, target), 0) * h;
    expect(mu).toBeCloseTo(mean, 6);
    expect(sigma).toBeCloseTo(Math.sqrt(variance), 6);
  });
});
