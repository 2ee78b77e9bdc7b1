import { InvalidArgumentError, initBackend, Rng, ShapeMismatchError } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectLogProbGradients } from '../test/examples/continuous-checks.js';
import { LowRankMultivariateNormal } from './low-rank-multivariate-normal.js';
import { MultivariateNormal } from './multivariate-normal.js';

const LOC = [
  [0, 1, -1, 2],
  [1, 0, 0, -3],
];
const W = [
  [1, 0.5],
  [-0.5, 2],
  [0.3, 0],
  [0, -1],
];
// Diagonal entries >= 0.4: smaller ones make the curvature of logProb in covDiag large enough
// that the central differences (step 1e-2) of the gradient test are off by more than 1e-3.
const DIAG = [
  [0.5, 0.6, 1, 0.4],
  [1, 2, 0.8, 0.5],
];

describe('LowRankMultivariateNormal', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('logProb and entropy match a MultivariateNormal with the same dense covariance', () => {
    const d = new LowRankMultivariateNormal({ loc: LOC, covFactor: W, covDiag: DIAG });
    const cov = d.covariance();
    expect(cov.shape).toEqual([2, 4, 4]);
    const dense = new MultivariateNormal({ loc: LOC, covarianceMatrix: cov });
    const x = tf.tensor([
      [
        [0, 0, 0, 0],
        [1, 0, 0, -3],
      ],
      [
        [2, -1, 0.5, 3],
        [-1, 1, 2, -2],
      ],
      [
        [0.3, 1.2, -0.7, 1.5],
        [4, -4, 1, 0],
      ],
    ]);
    const a = d.logProb(x);
    const b = dense.logProb(x);
    expect(a.shape).toEqual([3, 2]);
    expectClose(a, b, { atol: 1e-5, rtol: 1e-5 });
    const [ea, eb] = [d.entropy(), dense.entropy()];
    expectClose(ea, eb, { atol: 1e-5, rtol: 1e-5 });
    const [va, vb] = [d.variance(), dense.variance()];
    expectClose(va, vb, { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([cov, x, a, b, ea, eb, va, vb]);
    d.dispose();
    dense.dispose();
  });

  it('sample covariance matches W Wᵀ + diag(d), off-diagonal entries included', () => {
    const d = new LowRankMultivariateNormal({ loc: LOC[1]!, covFactor: W, covDiag: DIAG[1]! });
    const n = 20000;
    const x = d.sample(n, Rng.fromSeed(31));
    const cov = d.covariance().arraySync() as number[][];
    const data = x.dataSync();
    const k = 4;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let s = 0;
        let ss = 0;
        for (let r = 0; r < n; r++) {
          const v = (data[r * k + i]! - LOC[1]![i]!) * (data[r * k + j]! - LOC[1]![j]!);
          s += v;
          ss += v * v;
        }
        const m = s / n;
        const se = Math.sqrt((ss / n - m * m) / n);
        expect(Math.abs(m - cov[i]![j]!), `cov[${i}][${j}] = ${m}`).toBeLessThanOrEqual(4 * se);
      }
    }
    x.dispose();
    d.dispose();
  });

  it('logProb gradients match finite differences', () => {
    expectLogProbGradients(
      (p) =>
        new LowRankMultivariateNormal({
          loc: p.loc!,
          covFactor: p.covFactor!,
          covDiag: p.covDiag!,
        }),
      { loc: LOC, covFactor: W, covDiag: DIAG },
      [
        [
          [0.5, 0, -1, 1],
          [1, 1, 0, -2],
        ],
        [
          [-1, 2, 0, 2.5],
          [0, -1, 1, -3],
        ],
      ],
    );
  });

  it('rejects bad shapes and parameters with typed errors', () => {
    expect(
      () => new LowRankMultivariateNormal({ loc: [0, 0, 0], covFactor: W, covDiag: [1, 1, 1] }),
    ).toThrow(ShapeMismatchError);
    expect(
      () => new LowRankMultivariateNormal({ loc: [0, 0], covFactor: [1, 2], covDiag: [1, 1] }),
    ).toThrow(ShapeMismatchError);
    expect(
      () =>
        new LowRankMultivariateNormal({
          loc: LOC,
          covFactor: W,
          covDiag: [
            [1, 1, 0, 1],
            [1, 1, 1, 1],
          ],
        }),
    ).toThrow(/LowRankMultivariateNormal: argument 'covDiag' must be > 0, got 0 at flat index 2/);
    expect(
      () =>
        new LowRankMultivariateNormal({
          loc: [0, 0, 0, 0],
          covFactor: W,
          covDiag: [1, 1, 1, 1],
          covarianceMatrix: [[1]],
        } as unknown as { loc: number[]; covFactor: number[][]; covDiag: number[] }),
    ).toThrow(InvalidArgumentError);
    const d = new LowRankMultivariateNormal({ loc: LOC, covFactor: W, covDiag: DIAG });
    expect(() => d.logProb([0, 0, 0])).toThrow(ShapeMismatchError);
    expect(() => d.logProb([0, Number.NaN, 0, 0])).toThrow(InvalidArgumentError);
    d.dispose();
  });

  it('does not leak through logProb and rsample gradients', async () => {
    const w = tf.tensor2d(W);
    const x = tf.tensor2d(LOC);
    await expectNoLeak(() =>
      tf.grad((t: tf.Tensor) => {
        const d = new LowRankMultivariateNormal({ loc: LOC, covFactor: t, covDiag: DIAG });
        const out = tf.add(tf.sum(d.logProb(x)), tf.sum(d.rsample(3, Rng.fromSeed(4))));
        d.dispose();
        return out;
      })(w),
    );
    tf.dispose([w, x]);
  });
});
