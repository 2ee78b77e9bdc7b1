import { describe, expect, it } from 'vitest';
import { codeStats, columnAt, traversalCodes, traversalOffsets } from './traversal.js';

describe('codeStats', () => {
  it('gives each dimension its mean and population standard deviation', () => {
    // Dimension 0: 1, 3 → mean 2, std 1; dimension 1: 2, 6 → mean 4, std 2.
    const { mean, std } = codeStats([1, 2, 3, 6], 2);
    expect(Array.from(mean)).toEqual([2, 4]);
    expect(Array.from(std)).toEqual([1, 2]);
  });

  it('refuses a length that is not a multiple of the latent size', () => {
    expect(() => codeStats([1, 2, 3], 2)).toThrow(/codeStats: 'codes' must hold/);
    expect(() => codeStats([], 2)).toThrow(/codeStats: 'codes' must hold/);
    expect(() => codeStats([1], 0)).toThrow(/'latentSize' must be a positive integer, got 0/);
  });
});

describe('traversalOffsets', () => {
  it('spaces steps evenly from −span to +span', () => {
    expect(traversalOffsets(9, 3)).toEqual([-3, -2.25, -1.5, -0.75, 0, 0.75, 1.5, 2.25, 3]);
    expect(traversalOffsets(2, 1)).toEqual([-1, 1]);
  });

  it('refuses fewer than two steps and a span that is not positive', () => {
    expect(() => traversalOffsets(1, 3)).toThrow(/'steps' must be an integer >= 2, got 1/);
    expect(() => traversalOffsets(3, 0)).toThrow(/'span' must be positive, got 0/);
    expect(() => traversalOffsets(3, Number.NaN)).toThrow(/'span' must be positive/);
  });
});

describe('traversalCodes', () => {
  it('sets one dimension per row block to mean + t·std and keeps the others', () => {
    const code = [0.5, -1, 2];
    const stats = { mean: Float64Array.from([1, 0, -2]), std: Float64Array.from([2, 0.5, 1]) };
    const out = traversalCodes(code, stats, 3, 2);
    expect(out).toHaveLength(3 * 3 * 3);
    const row = (r: number) => Array.from(out.subarray(r * 3, r * 3 + 3));
    // Dimension 0: 1 + {−2, 0, 2}·2.
    expect(row(0)).toEqual([-3, -1, 2]);
    expect(row(1)).toEqual([1, -1, 2]);
    expect(row(2)).toEqual([5, -1, 2]);
    // Dimension 1: 0 + {−2, 0, 2}·0.5.
    expect(row(3)).toEqual([0.5, -1, 2]);
    expect(row(4)).toEqual([0.5, 0, 2]);
    expect(row(5)).toEqual([0.5, 1, 2]);
    // Dimension 2: −2 + {−2, 0, 2}·1.
    expect(row(6)).toEqual([0.5, -1, -4]);
    expect(row(8)).toEqual([0.5, -1, 0]);
  });

  it('refuses statistics of another size', () => {
    const stats = { mean: new Float64Array(2), std: new Float64Array(2) };
    expect(() => traversalCodes([1, 2, 3], stats, 3)).toThrow(/traversalCodes: 'code' \(3\)/);
  });
});

describe('columnAt', () => {
  it('maps a click position to its column, clamped to the row', () => {
    expect(columnAt(0, 100, 10)).toBe(0);
    expect(columnAt(9.99, 100, 10)).toBe(0);
    expect(columnAt(10, 100, 10)).toBe(1);
    expect(columnAt(99.9, 100, 10)).toBe(9);
    expect(columnAt(150, 100, 10)).toBe(9);
    expect(columnAt(-5, 100, 10)).toBe(0);
    expect(columnAt(50, 0, 10)).toBe(0);
  });
});
