import { InvalidArgumentError, initBackend, ShapeMismatchError } from '@gen/core';
import { makeToy } from '@gen/data';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { modeCoverage } from './mode-coverage.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const centers = [
  [0, 0],
  [10, 0],
  [0, 10],
];

describe('modeCoverage', () => {
  it('counts captured modes and high-quality samples on hand-made points', () => {
    const samples = [
      [0.1, 0], // mode 0, within 3σ = 0.3
      [0, -0.29], // mode 0
      [10, 0.5], // nearest mode 1 but 0.5 > 0.3: low quality, does not capture mode 1
      [5, 5], // far from everything
    ];
    const r = modeCoverage(samples, centers, 0.1);
    expect(r.modes).toBe(1);
    expect(r.highQuality).toBeCloseTo(0.5, 10);
    expect(r.counts).toEqual([2, 0, 0]);
    const all = modeCoverage([...samples, [10.2, 0], [0, 9.9]], centers, 0.1);
    expect(all.modes).toBe(3);
    expect(all.highQuality).toBeCloseTo(4 / 6, 10);
  });

  it('accepts tensors, and data from the ring itself cover all 8 modes at ≈ 99% quality', () => {
    const { x, centers: c, std } = makeToy('ring8', { n: 2000, seed: 3 });
    const r = modeCoverage(x, c ?? [], std as number);
    expect(r.modes).toBe(8);
    expect(r.highQuality).toBeGreaterThan(0.98);
    x.dispose();
  });

  it('a collapsed sampler captures one mode', () => {
    const samples = Array.from({ length: 50 }, () => [10, 0.01]);
    expect(modeCoverage(samples, centers, 0.1).modes).toBe(1);
  });

  it('rejects bad inputs with typed errors', () => {
    expect(() => modeCoverage([[0, 0]], centers, 0)).toThrow(InvalidArgumentError);
    expect(() => modeCoverage([[0, 0]], centers, -1)).toThrow(/std/);
    expect(() => modeCoverage([[0, 0, 0]], centers, 1)).toThrow(ShapeMismatchError);
    expect(() => modeCoverage([[0, Number.NaN]], centers, 1)).toThrow(InvalidArgumentError);
    expect(() => modeCoverage([[0, 0]], [], 1)).toThrow(InvalidArgumentError);
    expect(() => modeCoverage(tf.zeros([3]), centers, 1)).toThrow(ShapeMismatchError);
  });
});
