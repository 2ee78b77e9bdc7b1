import { digamma } from '@gen/core';
import { describeBackends, expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Binomial } from './binomial.js';
import type { BaseDistribution } from './distribution.js';
import { Gamma } from './gamma.js';
import { NegativeBinomial } from './negative-binomial.js';
import { Normal } from './normal.js';
import { Pareto } from './pareto.js';
import { StudentT } from './student-t.js';
import { Uniform } from './uniform.js';
import { VonMises } from './von-mises.js';

// tfjs's Maximum/Minimum gradients do not sum over broadcast axes: a [2] parameter that meets a
// [3, 2] input in tf.maximum/tf.minimum gets a [3, 2] gradient, which tfjs's tape refuses.
// Every parameter's gradient of logProb at [3, 2] points must have the parameter's shape.

/** Gradients of Σ logProb(x) with respect to every parameter tensor of `make(params)`. */
function logProbGrads(
  params: Record<string, number[]>,
  make: (p: Record<string, tf.Tensor>) => BaseDistribution,
  x: number[][],
): Record<string, tf.Tensor> {
  const names = Object.keys(params);
  const tensors = names.map((n) => tf.tensor1d(params[n]!));
  const grads = tf.grads((...ts: tf.Tensor[]) => {
    const d = make(Object.fromEntries(names.map((n, i) => [n, ts[i]!])));
    const lp = tf.sum(d.logProb(tf.tensor2d(x)));
    d.dispose();
    return lp;
  })(tensors);
  tf.dispose(tensors);
  return Object.fromEntries(names.map((n, i) => [n, grads[i]!]));
}

describeBackends('parameter gradients against broadcast inputs', () => {
  it('Binomial: totalCount and probs gradients have shape [2] and the analytic values', () => {
    const [n, p] = [
      [12, 20],
      [0.3, 0.6],
    ];
    const x = [
      [3, 11],
      [5, 12],
      [4, 15],
    ];
    const g = logProbGrads({ totalCount: n, probs: p }, (t) => new Binomial(t as never), x);
    expect([g.totalCount!.shape, g.probs!.shape]).toEqual([[2], [2]]);
    // d/dp = Σ k/p − (n − k)/(1 − p); d/dn = Σ ψ(n + 1) − ψ(n − k + 1) + log(1 − p).
    const dp = [0, 1].map((j) =>
      x.reduce((s, row) => s + row[j]! / p[j]! - (n[j]! - row[j]!) / (1 - p[j]!), 0),
    );
    const dn = tf.tidy(() => {
      const k = tf.tensor2d(x);
      const nt = tf.tensor1d(n);
      const terms = tf.add(
        tf.sub(digamma(tf.add(nt, 1)), digamma(tf.add(tf.sub(nt, k), 1))),
        tf.log1p(tf.neg(tf.tensor1d(p))),
      );
      return tf.sum(terms, 0);
    });
    expectClose(g.probs!, dp, { atol: 1e-3, rtol: 1e-4 });
    // (the Poisson-identity log-pmf is exact at integers only; its slope in n is close)
    expectClose(g.totalCount!, dn, { atol: 2e-2, rtol: 1e-2 });
    tf.dispose([dn, ...Object.values(g)]);
  });

  it('other families with tf.maximum/minimum near their parameters: gradients shaped [2]', () => {
    const x = [
      [1.5, 2.5],
      [2, 3],
      [1.2, 4],
    ];
    const cases: [Record<string, number[]>, (t: Record<string, tf.Tensor>) => BaseDistribution][] =
      [
        [{ loc: [0, 1], scale: [1, 2] }, (t) => new Normal(t as never)],
        [{ concentration: [0.5, 3], rate: [1, 2] }, (t) => new Gamma(t as never)],
        [{ scale: [1, 1.1], alpha: [2, 3] }, (t) => new Pareto(t as never)],
        [{ low: [0, 1], high: [3, 5] }, (t) => new Uniform(t as never)],
        [{ df: [0.8, 5], loc: [0, 1], scale: [1, 2] }, (t) => new StudentT(t as never)],
        [{ loc: [0, 1], concentration: [0.5, 20] }, (t) => new VonMises(t as never)],
        [{ totalCount: [2, 3.5], probs: [0.2, 0.7] }, (t) => new NegativeBinomial(t as never)],
      ];
    for (const [params, make] of cases) {
      const discrete = 'totalCount' in params;
      const g = logProbGrads(params, make, discrete ? x.map((r) => r.map(Math.floor)) : x);
      for (const [name, grad] of Object.entries(g)) {
        expect(grad.shape, name).toEqual([2]);
        for (const v of grad.dataSync()) expect(Number.isFinite(v), `${name} ${v}`).toBe(true);
      }
      tf.dispose(Object.values(g));
    }
  });
});
