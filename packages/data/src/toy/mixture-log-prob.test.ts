import { InvalidArgumentError, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { mixtureLogProb } from './mixture-log-prob.js';

/** log Σ w N(x; c, s² I) in float64, term by term. */
function reference(x: number[], centers: number[][], stds: number[], weights: number[]): number {
  const terms = centers.map((c, k) => {
    const sq = c.reduce((acc, ci, j) => acc + (x[j]! - ci) ** 2, 0);
    const s = stds[k]!;
    return (
      Math.log(weights[k]!) - sq / (2 * s * s) - c.length * Math.log(s * Math.sqrt(2 * Math.PI))
    );
  });
  const top = Math.max(...terms);
  return top + Math.log(terms.reduce((acc, t) => acc + Math.exp(t - top), 0));
}

describeBackends('mixtureLogProb', ({ tolerance }) => {
  it('matches log Σ_k w_k N(x; c_k, s_k² I) computed in float64', () => {
    const centers = [
      [0, 0],
      [1, 2],
      [-1, 0.5],
    ];
    const stds = [0.5, 1, 2];
    const weights = [0.2, 0.5, 0.3];
    const points = [
      [0, 0],
      [1, 1],
      [-3, 4],
      [10, -10],
    ];
    const x = tf.tensor2d(points);
    const logp = mixtureLogProb(x, { centers, std: stds, weights });
    expect(logp.shape).toEqual([4]);
    const expected = points.map((p) => reference(p, centers, stds, weights));
    expectClose(logp, expected, { atol: 10 * tolerance, rtol: 10 * tolerance });
    tf.dispose([x, logp]);
  });

  it('takes a shared std and uniform weights by default; 1-D data too', () => {
    const x = tf.tensor2d([[0.3], [-2]]);
    const logp = mixtureLogProb(x, { centers: [[-1], [1]], std: 0.7 });
    const expected = [0.3, -2].map((v) => reference([v], [[-1], [1]], [0.7, 0.7], [0.5, 0.5]));
    expectClose(logp, expected, { atol: 10 * tolerance, rtol: 10 * tolerance });
    tf.dispose([x, logp]);
  });

  it('stays finite far from every centre (log-sum-exp, not log of a sum)', async () => {
    const x = tf.tensor2d([[5, 5]]);
    const logp = mixtureLogProb(x, { centers: [[0, 0]], std: 0.01 });
    expectClose(logp, [reference([5, 5], [[0, 0]], [0.01], [1])], { rtol: 1e-5, atol: 0 });
    tf.dispose([x, logp]);
  });

  it('leaks nothing', async () => {
    const x = tf.tensor2d([[0, 1]]);
    await expectNoLeak(() => mixtureLogProb(x, { centers: [[0, 0]], std: 1 }));
    x.dispose();
  });

  it('rejects bad input with typed errors naming the argument', () => {
    const x = tf.tensor2d([[0, 1]]);
    const call =
      (spec: unknown, input: unknown = x) =>
      () =>
        mixtureLogProb(input as tf.Tensor, spec as never);
    expect(call({ centers: [[0, 0, 0]], std: 1 })).toThrow(ShapeMismatchError);
    expect(call({ centers: [[0, 0, 0]], std: 1 })).toThrow(/argument 'x' must have shape \[n, 3\]/);
    expect(call({ centers: [], std: 1 })).toThrow(/mixtureLogProb: argument 'centers'/);
    expect(call({ centers: [[0, 0]], std: 0 })).toThrow(InvalidArgumentError);
    expect(call({ centers: [[0, 0]], std: [1, 2] })).toThrow(/argument 'std' .* got \[1, 2\]/);
    expect(call({ centers: [[0, 0]], std: 1, weights: [-1] })).toThrow(/argument 'weights'/);
    expect(call({ centers: [[0, 0]], std: 1 }, [[0, 1]])).toThrow(
      /argument 'x' must be a live tf.Tensor/,
    );
    x.dispose();
  });
});
