import { initBackend } from '@gen/core';
import { expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectLogProbGradients,
  expectPathwiseGradient,
} from '../test/examples/continuous-checks.js';
import { HalfCauchy } from './half-cauchy.js';

describe('HalfCauchy', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('rsample: d/dγ E[1/(1 + x²)] = −1/(1 + γ)² by Monte Carlo', () => {
    const scale = 0.8;
    expectPathwiseGradient({
      build: (t) => new HalfCauchy({ scale: t, validateArgs: false }),
      theta: scale,
      f: (x) => tf.reciprocal(tf.add(1, tf.square(x))),
      expected: -1 / (1 + scale) ** 2,
      perDraw: (x) => (-2 * x * x) / (1 + x * x) ** 2 / scale,
      seed: 81,
    });
  });

  it('logProb gradients match finite differences', () => {
    expectLogProbGradients((p) => new HalfCauchy({ scale: p.scale! }), { scale: [0.5, 2] }, [
      [0, 3],
      [0.7, 20],
    ]);
  });

  it('logProb stays finite far in the tail; icdf is +∞ at 1; cdf is 0 below the support', () => {
    // scipy.stats.halfcauchy(scale=2).logpdf(4e20).
    const d = new HalfCauchy({ scale: 2, validateArgs: false });
    const lp = d.logProb(4e20);
    expectClose(lp, -94.63442796673112, { atol: 0, rtol: 1e-6 });
    const q = d.icdf([0, 1]);
    expectClose(q, [0, Number.POSITIVE_INFINITY]);
    const c = d.cdf([-1, Number.POSITIVE_INFINITY]);
    expectClose(c, [0, 1]);
    tf.dispose([lp, q, c]);
    d.dispose();
  });

  it('refuses a non-positive scale and negative points, naming them', () => {
    expect(() => new HalfCauchy({ scale: -1 })).toThrow(
      /HalfCauchy: argument 'scale' must be > 0, got -1/,
    );
    const d = new HalfCauchy({ scale: 1 });
    expect(() => d.logProb(-0.5)).toThrow(/HalfCauchy.logProb: argument 'x' must be >= 0/);
    d.dispose();
  });
});
