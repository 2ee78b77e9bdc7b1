import { initBackend } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectFraction,
  expectMixtureMoments,
  expectNormalMoments,
  type MixtureDescription,
  meanAndVariance,
  rows,
  separatedMixtureEntropy,
  values,
} from '../../test/support.js';
import { makeToy } from './make-toy.js';
import { mixtureLogProb } from './mixture-log-prob.js';
import type { ToyData } from './toy-data.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** Standardised residuals (x − centre of its label) / std, all coordinates. */
async function residuals(data: ToyData): Promise<number[]> {
  const xs = await rows(data.x);
  const stds = data.std!;
  return xs.flatMap((row, i) => {
    const k = data.labels![i]!;
    const s = typeof stds === 'number' ? stds : stds[k]!;
    return row.map((v, j) => (v - data.centers![k]![j]!) / s);
  });
}

/** The mixture `makeToy` says it sampled. */
const described = (data: ToyData): MixtureDescription => ({
  centers: data.centers!,
  std: data.std!,
  weights: data.weights!,
});

/** Monte Carlo entropy −mean(log p(x)) over the data set's own samples, with its SE. */
async function entropyEstimate(data: ToyData): Promise<{ entropy: number; se: number }> {
  const logp = mixtureLogProb(data.x, {
    centers: data.centers!,
    std: data.std!,
    weights: data.weights,
  });
  const { mean, variance } = meanAndVariance(await values(logp));
  logp.dispose();
  return { entropy: -mean, se: Math.sqrt(variance / data.x.shape[0]) };
}

describe('ring8', () => {
  it('has 8 distinct modes at angles 2πi/8 on the unit circle (not linspace’s 7)', () => {
    const { x, centers, std, weights } = makeToy('ring8', { n: 1 });
    x.dispose();
    expect(centers).toHaveLength(8);
    centers!.forEach(([a, b], i) => {
      expect(a).toBeCloseTo(Math.cos((2 * Math.PI * i) / 8), 12);
      expect(b).toBeCloseTo(Math.sin((2 * Math.PI * i) / 8), 12);
    });
    const keys = new Set(centers!.map((c) => c.map((v) => v.toFixed(6)).join(',')));
    expect(keys.size).toBe(8);
    expect(centers![2]).toEqual([0, 1]);
    expect(std).toBe(0.01);
    expect(weights).toEqual(Array(8).fill(1 / 8));
  });

  it('draws every mode with frequency 1/8 and std 0.01 around its centre (4 SE)', async () => {
    const n = 16000;
    const data = makeToy('ring8', { n, seed: 1 });
    const xs = await rows(data.x);
    const counts = Array(8).fill(0);
    xs.forEach((row, i) => {
      const k = data.labels![i]!;
      counts[k] += 1;
      // Every sample is nearest to its own centre (modes 0.765 apart, std 0.01).
      const d = data.centers!.map(([a, b]) => (row[0]! - a!) ** 2 + (row[1]! - b!) ** 2);
      expect(d.indexOf(Math.min(...d))).toBe(k);
    });
    for (const c of counts) expectFraction(c, n, 1 / 8);
    expectNormalMoments(await residuals(data), 0, 1);
    data.x.dispose();
  });

  it('has the mean and covariance of the mixture it describes (4 SE)', async () => {
    const data = makeToy('ring8', { n: 20000, seed: 12 });
    expectMixtureMoments(await rows(data.x), described(data));
    data.x.dispose();
  });

  it('has the entropy of the mixture it describes: ln 8 + 1 + ln(2π·10⁻⁴) = −4.29302 nats (4 SE)', async () => {
    const data = makeToy('ring8', { n: 20000, seed: 2 });
    const { entropy, se } = await entropyEstimate(data);
    // From the returned weights and std: a wrong std or weight moves this off −4.29302.
    const exact = separatedMixtureEntropy(described(data));
    expect(exact).toBeCloseTo(-4.29302, 5);
    expect(Math.abs(entropy - exact)).toBeLessThan(4 * se);
    expect(se).toBeLessThan(0.01);
    data.x.dispose();
  });

  it('honours radius, std and modes', async () => {
    const data = makeToy('ring8', { n: 4000, seed: 3, radius: 2, std: 0.05, modes: 12 });
    expect(data.centers).toHaveLength(12);
    for (const [a, b] of data.centers!) expect(Math.hypot(a!, b!)).toBeCloseTo(2, 12);
    expect(data.std).toBe(0.05);
    expectNormalMoments(await residuals(data), 0, 1);
    data.x.dispose();
  });
});

describe('grid25', () => {
  it('has 25 modes on {−4, −2, 0, 2, 4}², std 0.05, uniform weights', async () => {
    const n = 20000;
    const data = makeToy('grid25', { n, seed: 4 });
    const grid = [-4, -2, 0, 2, 4];
    expect(data.centers).toEqual(grid.flatMap((a) => grid.map((b) => [a, b])));
    expect(data.std).toBe(0.05);
    const counts = Array(25).fill(0);
    for (const k of data.labels!) counts[k] += 1;
    for (const c of counts) expectFraction(c, n, 1 / 25);
    expectNormalMoments(await residuals(data), 0, 1);
    data.x.dispose();
  });

  it('has the mean and covariance of the mixture it describes (4 SE)', async () => {
    const data = makeToy('grid25', { n: 20000, seed: 13 });
    expectMixtureMoments(await rows(data.x), described(data));
    data.x.dispose();
  });

  it('has the entropy of the mixture it describes: 0.06529 nats (4 SE)', async () => {
    const data = makeToy('grid25', { n: 20000, seed: 5 });
    const { entropy, se } = await entropyEstimate(data);
    const exact = separatedMixtureEntropy(described(data));
    expect(exact).toBeCloseTo(0.06529, 5);
    expect(Math.abs(entropy - exact)).toBeLessThan(4 * se);
    data.x.dispose();
  });

  it('honours spacing and size', () => {
    const { x, centers } = makeToy('grid25', { n: 1, spacing: 1, size: 2 });
    x.dispose();
    expect(centers).toEqual([
      [-0.5, -0.5],
      [-0.5, 0.5],
      [0.5, -0.5],
      [0.5, 0.5],
    ]);
  });
});

describe('8gaussians', () => {
  it('puts 8 modes at radius 2√2 with std 0.5/√2; entropy ≈ 2.8312 nats (4 SE)', async () => {
    const data = makeToy('8gaussians', { n: 20000, seed: 6 });
    expect(data.centers).toHaveLength(8);
    for (const [a, b] of data.centers!) expect(Math.hypot(a!, b!)).toBeCloseTo(2 * Math.SQRT2, 12);
    expect(data.std).toBeCloseTo(0.353553, 6);
    expectNormalMoments(await residuals(data), 0, 1);
    expectMixtureMoments(await rows(data.x), described(data));
    // FFJORD's 1.414 for √2 shifts the entropy by 3e-4, far below the SE of about 0.007.
    const { entropy, se } = await entropyEstimate(data);
    expect(Math.abs(entropy - 2.8312)).toBeLessThan(4 * se);
    data.x.dispose();
  });
});

describe('mixture1d', () => {
  it('defaults to 0.5·N(−2, 0.5²) + 0.5·N(2, 1²) as [n, 1] data', async () => {
    const n = 20000;
    const data = makeToy('mixture1d', { n, seed: 7 });
    expect(data.x.shape).toEqual([n, 1]);
    expect(data.centers).toEqual([[-2], [2]]);
    expect(data.std).toEqual([0.5, 1]);
    expect(data.weights).toEqual([0.5, 0.5]);
    const xs = await values(data.x);
    expectFraction(data.labels!.filter((k) => k === 0).length, n, 0.5);
    expectNormalMoments(
      xs.filter((_, i) => data.labels![i] === 0),
      -2,
      0.5,
    );
    expectNormalMoments(
      xs.filter((_, i) => data.labels![i] === 1),
      2,
      1,
    );
    data.x.dispose();
  });

  it('draws components by the given weights', async () => {
    const n = 10000;
    const data = makeToy('mixture1d', {
      n,
      seed: 8,
      means: [0, 5, 10],
      stds: [1, 1, 1],
      weights: [0.2, 0.5, 0.3],
    });
    expect(data.std).toBe(1);
    [0.2, 0.5, 0.3].forEach((p, k) => {
      expectFraction(data.labels!.filter((j) => j === k).length, n, p);
    });
    const xs = await values(data.x);
    expectNormalMoments(
      xs.filter((_, i) => data.labels![i] === 1),
      5,
      1,
    );
    // Mean 0.2·0 + 0.5·5 + 0.3·10 = 5.5; variance 1 + 0.5·25 + 0.3·100 − 5.5² = 13.25.
    expectMixtureMoments(
      xs.map((v) => [v]),
      { centers: [[0], [5], [10]], std: 1, weights: [0.2, 0.5, 0.3] },
    );
    data.x.dispose();
  });

  it('never picks a component of weight 0', () => {
    const data = makeToy('mixture1d', { n: 2000, seed: 9, means: [0, 1], weights: [0, 1] });
    expect(data.labels!.every((k) => k === 1)).toBe(true);
    tf.dispose(data.x);
  });
});
