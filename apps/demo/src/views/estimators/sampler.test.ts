import { initBackend, Rng } from '@gen/core';
import { Normal } from '@gen/distributions';
import { gradientStats, testCosts } from '@gen/estimators';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { RunningMoments } from './running-moments.js';
import { drawEstimates, type EstimatorId, makeEstimators } from './sampler.js';

// Exact single-sample variances for f = (x − k)², d = μ − k
// (docs/references.md#estimator-variances-on-gaussian-test-costs).
function exactVariance(id: EstimatorId, d: number, s: number): [number, number] {
  if (id === 'score-function') {
    return [
      d ** 4 / s ** 2 + 14 * d ** 2 + 15 * s ** 2,
      (2 * d ** 4) / s ** 2 + 60 * d ** 2 + 74 * s ** 2,
    ];
  }
  if (id === 'pathwise') return [4 * s ** 2, 4 * d ** 2 + 8 * s ** 2];
  return [(4 * d ** 2 * (4 - Math.PI)) / Math.PI, 4 * d ** 2 + 4 * s ** 2];
}

/** 4 standard errors of a sample variance, from the sample's fourth central moment. */
function varianceTolerance(values: number[], mean: number, variance: number): number {
  const m4 = values.reduce((s, v) => s + (v - mean) ** 4, 0) / values.length;
  return 4 * Math.sqrt(Math.max(m4 - variance ** 2, 0) / values.length);
}

describe('batched gradient estimates', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('match the exact single-sample variances of the quadratic cost (μ = σ = 1)', async () => {
    const problem = { cost: testCosts.quadratic, mu: 1, sigma: 1, samples: 1 };
    const estimators = makeEstimators('none');
    const rng = Rng.fromSeed(7);
    const repeats = 3000;
    const grid = problem.cost.grid;
    const before = tf.memory().numTensors;
    for (const id of ['score-function', 'pathwise', 'measure-valued'] as const) {
      const { loc, scale } = await drawEstimates(estimators[id], problem, repeats, rng);
      for (const [g, values] of [loc, scale].entries()) {
        const moments = new RunningMoments(grid.length);
        moments.push(values, repeats);
        for (const i of [0, 4, 8, 12]) {
          const column = Array.from({ length: repeats }, (_, r) => values[r * grid.length + i]!);
          const exact = exactVariance(id, 1 - grid[i]!, 1)[g]!;
          const tolerance = varianceTolerance(column, moments.mean[i]!, moments.variance(i));
          expect(
            Math.abs(moments.variance(i) - exact),
            `${id} ${g === 0 ? 'μ' : 'σ'} k=${grid[i]}`,
          ).toBeLessThanOrEqual(tolerance + 1e-6);
          const mean = problem.cost.exact.normal({ loc: 1, scale: 1 }, grid[i]!).gradient[
            g === 0 ? 'loc' : 'scale'
          ];
          expect(Math.abs(moments.mean[i]! - mean)).toBeLessThanOrEqual(
            4 * moments.stdError(i) + 1e-6,
          );
        }
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('agree with gradientStats of @gen/estimators on the cos cost (unbatched oracle)', async () => {
    const problem = { cost: testCosts.cos, mu: 1, sigma: 1, samples: 4 };
    const k = problem.cost.grid[4]!;
    const estimator = makeEstimators('leaveOneOut')['score-function'];
    const repeats = 2000;
    const { loc } = await drawEstimates(estimator, problem, repeats, Rng.fromSeed(3));
    const size = problem.cost.grid.length;
    const moments = new RunningMoments(size);
    for (let r = 0; r < repeats; r += 500) {
      moments.push(loc.slice(r * size, (r + 500) * size), 500);
    }
    const oracle = gradientStats(
      estimator,
      new Normal({ loc: 1, scale: 1 }),
      (x) => tf.cos(tf.mul(k, x)),
      { samples: 4, repeats, rng: Rng.fromSeed(11) },
    ).loc!;
    // Two independent estimates of one variance from 2000 repeats each: ratio within ±20%.
    const ratio = moments.variance(4) / oracle.variance[0]!;
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.25);
    expect(Math.abs(moments.mean[4]! - oracle.mean[0]!)).toBeLessThan(
      4 * Math.hypot(moments.stdError(4), oracle.stdError[0]!),
    );
  });
});

describe('RunningMoments', () => {
  it('merging batches gives the two-pass mean and variance', () => {
    const values = Array.from({ length: 60 }, (_, i) => Math.sin(i * 1.7) * 3 + (i % 3));
    const moments = new RunningMoments(3);
    moments.push(values.slice(0, 9), 3);
    moments.push(values.slice(9, 30), 7);
    moments.push(values.slice(30), 10);
    for (let j = 0; j < 3; j += 1) {
      const column = values.filter((_, i) => i % 3 === j);
      const mean = column.reduce((a, b) => a + b, 0) / column.length;
      const variance = column.reduce((a, b) => a + (b - mean) ** 2, 0) / (column.length - 1);
      expect(moments.mean[j]).toBeCloseTo(mean, 12);
      expect(moments.variance(j)).toBeCloseTo(variance, 12);
    }
    expect(() => moments.push([1, 2], 1)).toThrow(/expected 1×3/);
  });
});
