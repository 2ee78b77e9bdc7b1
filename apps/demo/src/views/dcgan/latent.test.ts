import { InvalidArgumentError, Rng } from '@gen/core';
import { describe, expect, it } from 'vitest';
import { lerpPath, slerpPath } from './latent.js';

const row = (path: Float32Array, d: number, i: number) =>
  Array.from(path.subarray(i * d, (i + 1) * d));
const norm = (v: readonly number[]) => Math.hypot(...v);
const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const angle = (a: readonly number[], b: readonly number[]) =>
  Math.acos(Math.min(1, Math.max(-1, dot(a, b) / (norm(a) * norm(b)))));

/** Two standard normal draws of dimension d from a fixed seed (plain numbers, no tensors). */
function draws(d: number, seed: number): [number[], number[]] {
  const rng = Rng.fromSeed(seed);
  const gauss = () => {
    const u = 1 - rng.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.float());
  };
  return [Array.from({ length: d }, gauss), Array.from({ length: d }, gauss)];
}

describe('slerpPath', () => {
  it('starts and ends exactly at the endpoints', () => {
    const [a, b] = draws(64, 1);
    const path = slerpPath(a, b, 10);
    expect(path).toHaveLength(640);
    expect(row(path, 64, 0)).toEqual(Array.from(Float32Array.from(a)));
    expect(row(path, 64, 9)).toEqual(Array.from(Float32Array.from(b)));
  });

  it('walks the great circle of unit endpoints at constant speed', () => {
    const [x, y] = draws(16, 2);
    const a = x.map((v) => v / norm(x));
    const b = y.map((v) => v / norm(y));
    const theta = angle(a, b);
    const steps = 9;
    const path = slerpPath(a, b, steps);
    for (let s = 0; s < steps; s++) {
      const p = row(path, 16, s);
      const t = s / (steps - 1);
      expect(norm(p)).toBeCloseTo(1, 5);
      // Angle t·θ from a and (1 − t)·θ from b: on the arc between them, in their plane.
      expect(angle(p, a)).toBeCloseTo(t * theta, 3);
      expect(angle(p, b)).toBeCloseTo((1 - t) * theta, 3);
    }
  });

  it('interpolates the norm linearly between endpoints of different norms', () => {
    const a = [3, 0, 0];
    const b = [0, 0, 1];
    const path = slerpPath(a, b, 5);
    for (let s = 0; s < 5; s++) {
      const t = s / 4;
      const p = row(path, 3, s);
      expect(norm(p)).toBeCloseTo(3 * (1 - t) + t, 5);
      // The quarter circle from x to z: angle (t·π/2) from x.
      expect(Math.atan2(p[2]!, p[0]!)).toBeCloseTo((t * Math.PI) / 2, 5);
      expect(p[1]).toBe(0);
    }
  });

  it('keeps Gaussian draws off the interior where the straight line goes', () => {
    const [a, b] = draws(64, 3);
    const mid = (path: Float32Array) => norm(row(path, 64, 2));
    const ends = (norm(a) + norm(b)) / 2;
    expect(mid(slerpPath(a, b, 5))).toBeCloseTo(ends, 4);
    // Nearly orthogonal draws: the chord's midpoint has about 1/√2 of the norm.
    expect(mid(lerpPath(a, b, 5)) / ends).toBeLessThan(0.85);
  });

  it('falls back to the straight line for parallel directions and a zero endpoint', () => {
    expect(Array.from(slerpPath([1, 2], [2, 4], 3))).toEqual([1, 2, 1.5, 3, 2, 4]);
    expect(Array.from(slerpPath([0, 0], [2, 4], 3))).toEqual([0, 0, 1, 2, 2, 4]);
  });

  it('refuses endpoints of different lengths, non-finite values and fewer than 2 steps', () => {
    expect(() => slerpPath([1], [1, 2], 3)).toThrow(InvalidArgumentError);
    expect(() => slerpPath([1], [1, 2], 3)).toThrow(/^slerpPath: 'a' and 'b'/);
    expect(() => slerpPath([1, Number.NaN], [1, 2], 3)).toThrow(/^slerpPath: the endpoints/);
    expect(() => lerpPath([1], [2], 1)).toThrow(/^lerpPath: 'steps' must be an integer >= 2/);
  });
});

describe('lerpPath', () => {
  it('is (1 − t)·a + t·b', () => {
    expect(Array.from(lerpPath([0, 4], [2, 0], 3))).toEqual([0, 4, 1, 2, 2, 0]);
  });
});
