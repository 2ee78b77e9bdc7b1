import { InvalidArgumentError, initBackend, Rng, ShapeMismatchError } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectLogProbGradients,
  expectPathwiseGradient,
} from '../test/examples/continuous-checks.js';
import { MultivariateNormal } from './multivariate-normal.js';

const L = [
  [1.5, 0, 0],
  [-0.3, 0.8, 0],
  [0.2, 0.1, 2],
];
// Σ = L Lᵀ
const COV = [
  [2.25, -0.45, 0.3],
  [-0.45, 0.73, 0.02],
  [0.3, 0.02, 4.05],
];

describe('MultivariateNormal', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('covarianceMatrix gives the same distribution as its Cholesky factor', () => {
    const a = new MultivariateNormal({ loc: [1, 0, -1], scaleTril: L });
    const b = new MultivariateNormal({ loc: [1, 0, -1], covarianceMatrix: COV });
    const x = tf.tensor2d([
      [0, 0, 0],
      [2, -1, 3],
    ]);
    expectClose(b.scaleTril, L, { atol: 1e-6 });
    expectClose(b.logProb(x), a.logProb(x), { atol: 1e-5 });
    expectClose(a.covariance(), COV, { atol: 1e-6 });
    expectClose(a.variance(), [2.25, 0.73, 4.05], { atol: 1e-6 });
    expect(a.dim).toBe(3);
    tf.dispose([x]);
    a.dispose();
    b.dispose();
  });

  it('logProb broadcasts points against the batch and keeps leading sample axes', () => {
    const d = new MultivariateNormal({
      loc: [
        [0, 0],
        [1, 1],
        [2, -2],
      ],
      scaleTril: [
        [1, 0],
        [0.5, 2],
      ],
    });
    const one = d.logProb([1, 1]);
    const many = d.logProb(tf.zeros([4, 5, 1, 2]));
    expect(d.batchShape).toEqual([3]);
    expect(one.shape).toEqual([3]);
    expect(many.shape).toEqual([4, 5, 3]);
    // Point (1, 1) under batch member 1 sits at its mean: −log 2 − log 2π.
    expectClose(tf.slice(one, [1], [1]), [-Math.log(2) - Math.log(2 * Math.PI)], { atol: 1e-5 });
    tf.dispose([one, many]);
    d.dispose();
  });

  it('logProb gradients match finite differences', () => {
    expectLogProbGradients(
      (p) => new MultivariateNormal({ loc: p.loc!, scaleTril: p.scaleTril!, validateArgs: false }),
      { loc: [0.5, -1, 0], scaleTril: L },
      [
        [0, 0, 0],
        [1, -2, 3],
      ],
    );
  });

  it('rsample: d/dμ E‖x‖² = 2μ and d/dL E‖x‖² = 2L by Monte Carlo', () => {
    const loc = [0.5, -1, 2];
    expectPathwiseGradient({
      build: (m) => new MultivariateNormal({ loc: m, scaleTril: L, validateArgs: false }),
      theta: loc,
      f: tf.square,
      expected: loc.map((v) => 2 * v),
      n: 5000,
      seed: 21,
    });
    // E‖x‖² = ‖μ‖² + ‖L‖²_F: the expected gradient 2L vanishes on the (zero) upper triangle.
    expectPathwiseGradient({
      build: (l) => new MultivariateNormal({ loc, scaleTril: l, validateArgs: false }),
      theta: L,
      f: tf.square,
      expected: L.map((row) => row.map((v) => 2 * v)),
      n: 5000,
      seed: 22,
    });
  });

  it('rejects malformed parameters with typed errors naming them', () => {
    expect(
      () =>
        new MultivariateNormal({
          loc: [0, 0],
          scaleTril: [
            [1, 0.1],
            [0, 1],
          ],
        }),
    ).toThrow(/'scaleTril' must be lower triangular with a positive diagonal, got 0.1 at \[0, 1\]/);
    expect(
      () =>
        new MultivariateNormal({
          loc: [0, 0],
          scaleTril: [
            [1, 0],
            [0, -2],
          ],
        }),
    ).toThrow(/got -2 at \[1, 1\] of matrix 0/);
    expect(
      () =>
        new MultivariateNormal({
          loc: [0, 0, 0],
          scaleTril: [
            [1, 0],
            [0, 1],
          ],
        }),
    ).toThrow(ShapeMismatchError);
    expect(
      () =>
        new MultivariateNormal({
          loc: [0, 0],
          covarianceMatrix: [
            [1, 2],
            [2, 1],
          ],
        }),
    ).toThrow(/'covarianceMatrix' must be positive definite/);
    expect(
      () =>
        new MultivariateNormal({
          loc: [0, 0],
          covarianceMatrix: [
            [1, 0.5],
            [0, 1],
          ],
        }),
    ).toThrow(/'covarianceMatrix' must be symmetric/);
    const both = { loc: [0], scaleTril: [[1]], covarianceMatrix: [[1]] } as never;
    expect(() => new MultivariateNormal(both)).toThrow(InvalidArgumentError);
    const d = new MultivariateNormal({
      loc: [0, 0],
      scaleTril: [
        [1, 0],
        [0, 1],
      ],
    });
    expect(() => d.logProb([0, 0, 0])).toThrow(ShapeMismatchError);
    expect(() => d.logProb([0, Number.NaN])).toThrow(/argument 'x' must be finite/);
    d.dispose();
  });

  it('does not leak, including failed constructions and gradients', async () => {
    await expectNoLeak(() => {
      expect(
        () =>
          new MultivariateNormal({
            loc: [0, 0],
            scaleTril: [
              [1, 1],
              [0, 1],
            ],
          }),
      ).toThrow();
      const d = new MultivariateNormal({
        loc: [1, 2],
        covarianceMatrix: [
          [2, 1],
          [1, 2],
        ],
      });
      const out = [d.rsample(4, Rng.fromSeed(5)), d.logProb([0, 0]), d.covariance(), d.entropy()];
      d.dispose();
      return out;
    });
    const l = tf.tensor2d([
      [1, 0],
      [0.3, 2],
    ]);
    await expectNoLeak(() =>
      tf.grad((t: tf.Tensor) => {
        const d = new MultivariateNormal({ loc: [0, 1], scaleTril: t });
        const out = tf.sum(d.logProb(d.rsample(3, Rng.fromSeed(6))));
        d.dispose();
        return out;
      })(l),
    );
    l.dispose();
  });
});
