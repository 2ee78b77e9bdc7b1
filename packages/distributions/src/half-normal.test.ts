import { initBackend } from '@gen/core';
import { expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectLogProbGradients,
  expectPathwiseGradient,
} from '../test/examples/continuous-checks.js';
import { HalfNormal } from './half-normal.js';

describe('HalfNormal', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('rsample: d/dσ E[x²] = 2σ by Monte Carlo', () => {
    const scale = 1.3;
    expectPathwiseGradient({
      build: (t) => new HalfNormal({ scale: t, validateArgs: false }),
      theta: scale,
      f: tf.square,
      expected: 2 * scale,
      perDraw: (x) => (2 * x * x) / scale,
      seed: 91,
    });
  });

  it('icdf keeps its relative accuracy for small p (series) and near 1 (1 − p is exact there)', () => {
    const d = new HalfNormal({ scale: 2 });
    const q = d.icdf([1e-7, 5e-4, 2e-3, 0.999999, 0, 1]);
    // scipy.stats.halfnorm(scale=2).ppf at the float32 values of p (0.999999 is 1 − 1.0133e−6).
    const expected = [
      2.5066283039237096e-7, 0.001253314278873969, 0.0050132620372611856, 9.778083927394585,
    ];
    expectClose(q, [...expected, 0, Number.POSITIVE_INFINITY], { atol: 0, rtol: 2e-5 });
    q.dispose();
    d.dispose();
  });

  it('logProb gradients match finite differences', () => {
    expectLogProbGradients((p) => new HalfNormal({ scale: p.scale! }), { scale: [1.5, 2] }, [
      [0, 3],
      [0.7, 1],
    ]);
  });

  it('refuses a non-positive scale and negative points, naming them', () => {
    expect(() => new HalfNormal({ scale: 0 })).toThrow(
      /HalfNormal: argument 'scale' must be > 0, got 0/,
    );
    const d = new HalfNormal({ scale: 1 });
    expect(() => d.logProb(-0.5)).toThrow(/HalfNormal.logProb: argument 'x' must be >= 0/);
    d.dispose();
  });
});
