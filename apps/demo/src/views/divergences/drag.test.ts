import { describe, expect, it } from 'vitest';
import { snap, weightForPeak } from './drag.js';
import type { Component } from './mixture.js';
import { componentHandles } from './plot.js';

const RAW: Component[] = [
  { weight: 0.6, mean: -2, std: 0.6 },
  { weight: 0.4, mean: 2, std: 0.8 },
  { weight: 0, mean: 5, std: 0.5 },
];

describe('dragging mixture components', () => {
  it('snaps to the step without float dust and clamps to the range', () => {
    expect(snap(0.30000000000000004, 0.05, 0, 1)).toBe(0.3);
    expect(snap(-2.024, 0.05, -8, 8)).toBe(-2);
    expect(snap(12, 0.05, -8, 8)).toBe(8);
    expect(snap(-0.3, 0.01, 0, 1)).toBe(0);
  });

  it('handles sit at each component peak in the normalised mixture', () => {
    const handles = componentHandles(RAW);
    expect(handles.map((h) => h.x)).toEqual([-2, 2, 5]);
    // Peak of 0.6·N(−2, 0.6²) is 0.6 / (0.6 √(2π)).
    expect(handles[0]!.y).toBeCloseTo(0.6 / (0.6 * Math.sqrt(2 * Math.PI)), 12);
    expect(handles[2]!.y).toBe(0);
  });

  it('weightForPeak inverts the handle height (round trip), others unchanged', () => {
    for (const index of [0, 1, 2]) {
      for (const y of [0, 0.05, 0.2, 0.3]) {
        const weight = weightForPeak(RAW, index, y);
        const moved = RAW.map((c, j) => (j === index ? { ...c, weight } : c));
        expect(componentHandles(moved)[index]!.y).toBeCloseTo(y, 10);
      }
    }
  });

  it('a component alone keeps its weight (normalised it is 1 anyway)', () => {
    const alone: Component[] = [
      { weight: 0.7, mean: 0, std: 1 },
      { weight: 0, mean: 2, std: 1 },
    ];
    expect(weightForPeak(alone, 0, 0.01)).toBe(0.7);
    // Pulling the empty one up gives it weight.
    expect(weightForPeak(alone, 1, 0.1)).toBeGreaterThan(0);
  });
});
