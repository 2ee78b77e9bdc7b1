import { describe, expect, it } from 'vitest';
import { symmetricEigen } from './symmetric-eigen.js';

/** Deterministic values in (−1, 1) from a fixed linear congruential sequence. */
function sequence(length: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (2 * state) / 2147483648 - 1;
  });
}

/** Q diag(spectrum) Qᵀ, row-major, with Q = I − 2uuᵀ/‖u‖² (a reflection: orthogonal). */
function withSpectrum(spectrum: number[], seed: number): Float64Array {
  const d = spectrum.length;
  const u = sequence(d, seed);
  const norm2 = u.reduce((s, v) => s + v * v, 0);
  const q = (i: number, j: number) => (i === j ? 1 : 0) - (2 * u[i]! * u[j]!) / norm2;
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++)
      for (let k = 0; k < d; k++) a[i * d + j] = a[i * d + j]! + q(i, k) * spectrum[k]! * q(j, k);
  return a;
}

function randomSymmetric(d: number, seed: number): Float64Array {
  const v = sequence(d * d, seed);
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) a[i * d + j] = v[Math.max(i, j) * d + Math.min(i, j)]!;
  return a;
}

const sorted = (values: Float64Array) => [...values].sort((p, q) => p - q);

describe('symmetricEigen (host float64)', () => {
  it('recovers a known spectrum with repeated and zero eigenvalues, with and without vectors', () => {
    const spectrum = [5, 3, 3, 0, 0, -2, 1e-3, 7.5];
    const a = withSpectrum(spectrum, 7);
    const expected = [...spectrum].sort((p, q) => p - q);
    for (const withVectors of [true, false]) {
      const got = sorted(symmetricEigen('test', a, 8, withVectors).values);
      for (const [i, v] of got.entries()) expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-13);
    }
  });

  it('returns orthonormal eigenvectors with A v = λ v for a dense random 40×40 matrix', () => {
    const d = 40;
    const a = randomSymmetric(d, 3);
    const { values, vectors } = symmetricEigen('test', a, d, true);
    for (let j = 0; j < d; j++) {
      const v = vectors![j]!;
      for (let i = 0; i < d; i++) {
        let av = 0;
        for (let k = 0; k < d; k++) av += a[i * d + k]! * v[k]!;
        expect(Math.abs(av - values[j]! * v[i]!)).toBeLessThan(1e-12);
      }
      for (let l = 0; l <= j; l++) {
        const dot = v.reduce((s, x, k) => s + x * vectors![l]![k]!, 0);
        expect(Math.abs(dot - (l === j ? 1 : 0))).toBeLessThan(1e-13);
      }
    }
    const trace = Array.from({ length: d }, (_, i) => a[i * d + i]!).reduce((s, x) => s + x);
    expect(Math.abs(values.reduce((s, x) => s + x) - trace)).toBeLessThan(1e-12);
    const alone = sorted(symmetricEigen('test', a, d, false).values);
    for (const [i, v] of sorted(values).entries()) {
      expect(Math.abs(v - alone[i]!)).toBeLessThan(1e-12);
    }
  });

  it('reads only the lower triangle, and handles 1×1, diagonal and zero matrices', () => {
    expect([...symmetricEigen('test', [4], 1, true).values]).toEqual([4]);
    const lower = [2, 99, 1, 2];
    const [small, large] = sorted(symmetricEigen('test', lower, 2, false).values);
    expect(Math.abs(small! - 1)).toBeLessThan(1e-15);
    expect(Math.abs(large! - 3)).toBeLessThan(1e-15);
    expect(sorted(symmetricEigen('test', [3, 0, 0, 0, 1, 0, 0, 0, 2], 3, true).values)).toEqual([
      1, 2, 3,
    ]);
    expect([...symmetricEigen('test', new Float64Array(9), 3, true).values]).toEqual([0, 0, 0]);
  });
});
