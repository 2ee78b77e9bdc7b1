import { initBackend } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFraction, expectNormalMoments, meanAndVariance, rows } from '../../test/support.js';
import { makeToy } from './make-toy.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** Same seed with and without noise: the difference / noise must be i.i.d. N(0, 1). */
async function expectNoise(
  name: 'moons' | 'circles' | 'swiss-roll' | 'spirals',
  noise: number,
  scale = 1,
) {
  const clean = makeToy(name, { n: 5000, seed: 21, noise: 0 });
  const noisy = makeToy(name, { n: 5000, seed: 21, noise });
  const diff = tf.tidy(() => tf.div(tf.sub(noisy.x, clean.x), noise * scale));
  expectNormalMoments(await diff.data(), 0, 1);
  tf.dispose([clean.x, noisy.x, diff]);
}

describe('moons', () => {
  it('puts noiseless points on the two sklearn half circles, half of them each (4 SE)', async () => {
    const n = 4000;
    const { x, labels } = makeToy('moons', { n, seed: 1, noise: 0 });
    (await rows(x)).forEach(([a, b], i) => {
      if (labels![i] === 0) {
        expect(Math.hypot(a!, b!)).toBeCloseTo(1, 5);
        expect(b!).toBeGreaterThanOrEqual(-1e-6);
      } else {
        expect(Math.hypot(a! - 1, b! - 0.5)).toBeCloseTo(1, 5);
        expect(b!).toBeLessThanOrEqual(0.5 + 1e-6);
      }
    });
    expectFraction(labels!.filter((k) => k === 1).length, n, 0.5);
    x.dispose();
  });

  it('adds N(0, noise²) per coordinate (default 0.1)', async () => {
    await expectNoise('moons', 0.25);
    const clean = makeToy('moons', { n: 5000, seed: 3, noise: 0 });
    const noisy = makeToy('moons', { n: 5000, seed: 3 });
    const diff = tf.tidy(() => tf.div(tf.sub(noisy.x, clean.x), 0.1));
    expectNormalMoments(await diff.data(), 0, 1);
    tf.dispose([clean.x, noisy.x, diff]);
  });
});

describe('circles', () => {
  it('puts noiseless points on radius 1 (label 0) and radius factor (label 1)', async () => {
    const n = 4000;
    const { x, labels } = makeToy('circles', { n, seed: 4, noise: 0, factor: 0.3 });
    (await rows(x)).forEach(([a, b], i) => {
      expect(Math.hypot(a!, b!)).toBeCloseTo(labels![i] === 0 ? 1 : 0.3, 5);
    });
    expectFraction(labels!.filter((k) => k === 1).length, n, 0.5);
    x.dispose();
    const byDefault = makeToy('circles', { n: 10, noise: 0 });
    const radii = (await rows(byDefault.x)).map(([a, b]) => Math.hypot(a!, b!).toFixed(4));
    expect(new Set(radii)).toEqual(new Set(['1.0000', '0.5000']));
    byDefault.x.dispose();
  });

  it('adds N(0, noise²) per coordinate', async () => {
    await expectNoise('circles', 0.08);
  });
});

describe('swiss-roll', () => {
  it('lies on the spiral (t cos t, t sin t)·scale, t ∈ [1.5π, 4.5π], without noise', async () => {
    const { x } = makeToy('swiss-roll', { n: 2000, seed: 5, noise: 0, scale: 0.5 });
    for (const [a, b] of await rows(x)) {
      const t = Math.hypot(a!, b!) / 0.5;
      expect(t).toBeGreaterThanOrEqual(1.5 * Math.PI - 1e-4);
      expect(t).toBeLessThan(4.5 * Math.PI + 1e-4);
      expect(a! / 0.5).toBeCloseTo(t * Math.cos(t), 3);
      expect(b! / 0.5).toBeCloseTo(t * Math.sin(t), 3);
    }
    x.dispose();
  });

  it('adds noise before scaling (FFJORD: noise 1, then / 5)', async () => {
    await expectNoise('swiss-roll', 1, 0.2);
  });
});

describe('checkerboard', () => {
  it('is uniform on the 8 dark squares of side 2 in [−4, 4]² (4 SE per square)', async () => {
    const n = 16000;
    const { x } = makeToy('checkerboard', { n, seed: 6 });
    const counts = new Map<string, number>();
    for (const [a, b] of await rows(x)) {
      expect(Math.abs(a!)).toBeLessThanOrEqual(4);
      expect(Math.abs(b!)).toBeLessThanOrEqual(4);
      const i = Math.floor(a! / 2);
      const j = Math.floor(b! / 2);
      expect(Math.abs((i + j) % 2), 'i + j is even on a dark square').toBe(0);
      counts.set(`${i},${j}`, (counts.get(`${i},${j}`) ?? 0) + 1);
    }
    expect(counts.size).toBe(8);
    for (const c of counts.values()) expectFraction(c, n, 1 / 8);
    // Within a square the points are uniform: coordinate variance 4/12 · (side 2)²/4 = 1/3.
    const inSquare = (await rows(x)).filter(([a, b]) => a! >= 0 && a! < 2 && b! >= 0 && b! < 2);
    const m = meanAndVariance(inSquare.map(([a]) => a!));
    expect(Math.abs(m.mean - 1)).toBeLessThan(4 * Math.sqrt(1 / 3 / inSquare.length));
    x.dispose();
  });
});

describe('pinwheel', () => {
  it('without noise puts arm k at radius 2, angle −(2πk/arms + rate·e)', async () => {
    const n = 5000;
    const { x, labels } = makeToy('pinwheel', { n, seed: 7, radialStd: 0, tangentialStd: 0 });
    (await rows(x)).forEach(([a, b], i) => {
      const angle = (2 * Math.PI * labels![i]!) / 5 + 0.25 * Math.E;
      expect(a!).toBeCloseTo(2 * Math.cos(angle), 5);
      expect(b!).toBeCloseTo(-2 * Math.sin(angle), 5);
    });
    for (let k = 0; k < 5; k++) expectFraction(labels!.filter((j) => j === k).length, n, 1 / 5);
    x.dispose();
  });

  it('honours arms', () => {
    const { x, labels } = makeToy('pinwheel', { n: 500, seed: 8, arms: 3 });
    expect(new Set(labels)).toEqual(new Set([0, 1, 2]));
    x.dispose();
  });
});

describe('spirals', () => {
  it('draws two point-symmetric spirals within radius π + 0.5√2/3, half each', async () => {
    const n = 8000;
    const { x, labels } = makeToy('spirals', { n, seed: 9, noise: 0 });
    const xs = await rows(x);
    for (const [a, b] of xs) expect(Math.hypot(a!, b!)).toBeLessThanOrEqual(Math.PI + 0.2358);
    expectFraction(labels!.filter((k) => k === 1).length, n, 0.5);
    // Spiral 1 is spiral 0 reflected through the origin: their means are opposite.
    const mean = (k: number, j: number) =>
      meanAndVariance(xs.filter((_, i) => labels![i] === k).map((r) => r[j]!));
    for (const j of [0, 1]) {
      const a = mean(0, j);
      const b = mean(1, j);
      const se = Math.sqrt((a.variance + b.variance) / (n / 2));
      expect(Math.abs(a.mean + b.mean)).toBeLessThan(4 * se);
    }
    x.dispose();
  });

  it('adds N(0, noise²) after scaling (default 0.1)', async () => {
    await expectNoise('spirals', 0.1);
  });
});
