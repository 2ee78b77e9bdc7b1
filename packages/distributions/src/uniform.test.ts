import { InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectLogProbGradients,
  expectPathwiseGradient,
} from '../test/examples/continuous-checks.js';
import { Uniform } from './uniform.js';

describe('Uniform', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('rsample: d/dlow E[x²] = (2l + h)/3 and d/dhigh E[x²] = (l + 2h)/3 by Monte Carlo', () => {
    const [l, h] = [-0.5, 2];
    expectPathwiseGradient({
      build: (t) => new Uniform({ low: t, high: h, validateArgs: false }),
      theta: l,
      f: tf.square,
      expected: (2 * l + h) / 3,
      perDraw: (x) => (2 * x * (h - x)) / (h - l),
      seed: 31,
    });
    expectPathwiseGradient({
      build: (t) => new Uniform({ low: l, high: t, validateArgs: false }),
      theta: h,
      f: tf.square,
      expected: (l + 2 * h) / 3,
      perDraw: (x) => (2 * x * (x - l)) / (h - l),
      seed: 32,
    });
  });

  it('logProb gradients match finite differences', () => {
    expectLogProbGradients(
      (p) => new Uniform({ low: p.low!, high: p.high! }),
      { low: [0, -2], high: [1, 3] },
      [0.5, 2.5],
    );
  });

  it('requires high > low and points inside [low, high], naming the values', () => {
    expect(() => new Uniform({ low: [0, 2], high: [1, 2] })).toThrow(
      /Uniform: argument 'high' must be > low, got 2 \(low 2\) at flat index 1/,
    );
    expect(() => new Uniform({ low: 0, high: Number.NaN })).toThrow(InvalidArgumentError);
    const d = new Uniform({ low: [0, -1], high: [1, 0.5] });
    const x = tf.tensor2d([
      [0.5, 0],
      [0.2, 0.6],
    ]);
    expect(() => d.logProb(x)).toThrow(
      /Uniform.logProb: argument 'x' must be in \[low, high\], got 0.6 at flat index 3/,
    );
    expect(() => d.logProb(-0.1)).toThrow(InvalidArgumentError);
    x.dispose();
    d.dispose();
  });

  it('gives −∞ outside [low, high] when validation is off', () => {
    const d = new Uniform({ low: 0, high: 2, validateArgs: false });
    expectClose(d.logProb([-1, 0, 1, 2, 3]), [
      -Infinity,
      -Math.LN2,
      -Math.LN2,
      -Math.LN2,
      -Infinity,
    ]);
    d.dispose();
  });

  it('does not leak through failed constructions, rejected points and gradients', async () => {
    const high = tf.tensor1d([1, 4]);
    await expectNoLeak(() => {
      expect(() => new Uniform({ low: [3, 3], high: [1, 4] })).toThrow();
      const d = new Uniform({ low: 0, high });
      expect(() => d.logProb([2, 2])).toThrow();
      const g = tf.grad((t: tf.Tensor) =>
        tf.sum(new Uniform({ low: 0, high: t }).rsample(3, Rng.fromSeed(7))),
      )(high);
      d.dispose();
      return g;
    });
    high.dispose();
  });
});
