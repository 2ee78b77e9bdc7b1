import { initBackend } from '@gen/core';
import { expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectLogProbGradients,
  expectPathwiseGradient,
} from '../test/examples/continuous-checks.js';
import { Pareto } from './pareto.js';

describe('Pareto', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('rsample: d/dα E[x] = −xₘ/(α − 1)² by Monte Carlo, draw by draw −x log(x/xₘ)/α', () => {
    const [xm, alpha] = [2, 9];
    expectPathwiseGradient({
      build: (t) => new Pareto({ scale: xm, alpha: t, validateArgs: false }),
      theta: alpha,
      f: (x) => x,
      expected: -xm / (alpha - 1) ** 2,
      perDraw: (x) => (-x * Math.log(x / xm)) / alpha,
      seed: 79,
    });
  });

  it('logProb gradients match finite differences', () => {
    expectLogProbGradients(
      (p) => new Pareto({ scale: p.scale!, alpha: p.alpha! }),
      { scale: [1, 0.5], alpha: [0.8, 4] },
      [
        [1.5, 0.7],
        [30, 2],
      ],
    );
  });

  it('below the scale: logProb −∞ with a zero gradient and cdf 0, without an error', () => {
    const scale = tf.tensor1d([1, 3]);
    const d = new Pareto({ scale, alpha: 2 });
    const lp = d.logProb([0.5, 2.999]);
    expectClose(lp, [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    const cdf = d.cdf([-1, 2]);
    expectClose(cdf, [0, 0]);
    const g = tf.grad((s: tf.Tensor) => {
      const e = new Pareto({ scale: s, alpha: 2, validateArgs: false });
      const out = tf.sum(tf.where(tf.isFinite(e.logProb([0.5, 4])), e.logProb([0.5, 4]), 0));
      e.dispose();
      return out;
    })(scale);
    // x = 0.5 lies below its scale (zero gradient); at x = 4 ≥ 3, ∂/∂xₘ = α/xₘ.
    expectClose(g, [0, 2 / 3], { rtol: 1e-6 });
    tf.dispose([lp, cdf, g, scale]);
    d.dispose();
  });

  it('mean and variance are differentiable in α where finite (∞ and a zero gradient beyond)', () => {
    const alpha = tf.tensor1d([3, 0.5]);
    const dMean = tf.grad((a: tf.Tensor) => {
      const d = new Pareto({ scale: 2, alpha: a, validateArgs: false });
      const m = d.mean();
      d.dispose();
      return tf.sum(tf.where(tf.isFinite(m), m, 0));
    })(alpha);
    // d/dα α xₘ/(α − 1) = −xₘ/(α − 1)².
    expectClose(dMean, [-0.5, 0], { rtol: 1e-6 });
    const dVariance = tf.grad((a: tf.Tensor) => {
      const d = new Pareto({ scale: 2, alpha: a, validateArgs: false });
      const v = d.variance();
      d.dispose();
      return tf.sum(tf.where(tf.isFinite(v), v, 0));
    })(alpha);
    // d/dα xₘ² α/((α − 1)²(α − 2)) at α = 3, xₘ = 2: 4 (−2α² + 2α + 2)/((α − 1)³(α − 2)²) = −5.
    expectClose(dVariance, [-5, 0], { rtol: 1e-5 });
    tf.dispose([alpha, dMean, dVariance]);
  });

  it('validation rejects points ≤ 0 and non-positive parameters, naming them', () => {
    const d = new Pareto({ scale: 1, alpha: 2 });
    expect(() => d.logProb([2, 0])).toThrow(/Pareto.logProb: argument 'x' must be > 0, got 0/);
    d.dispose();
    expect(() => new Pareto({ scale: 1, alpha: 0 })).toThrow(
      /Pareto: argument 'alpha' must be > 0, got 0/,
    );
    expect(() => new Pareto({ scale: -2, alpha: 1 })).toThrow(
      /Pareto: argument 'scale' must be > 0, got -2/,
    );
  });
});
