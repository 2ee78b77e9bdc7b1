import { initBackend } from '@gen/core';
import { expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectLogProbGradients,
  expectPathwiseGradient,
} from '../test/examples/continuous-checks.js';
import { Logistic } from './logistic.js';

describe('Logistic', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('rsample: d/ds E[x²] = 2π²s/3 by Monte Carlo, draw by draw 2x (x − μ)/s', () => {
    const [mu, s] = [0.5, 1.5];
    expectPathwiseGradient({
      build: (t) => new Logistic({ loc: mu, scale: t, validateArgs: false }),
      theta: s,
      f: tf.square,
      expected: (2 * Math.PI ** 2 * s) / 3,
      perDraw: (x) => (2 * x * (x - mu)) / s,
      seed: 73,
    });
  });

  it('logProb gradients match finite differences', () => {
    expectLogProbGradients(
      (p) => new Logistic({ loc: p.loc!, scale: p.scale! }),
      { loc: [0, -2], scale: [0.7, 3] },
      [
        [0.5, -4],
        [-2.4, 6],
      ],
    );
  });

  it('logProb stays finite far in the tails; icdf is ±∞ at 0 and 1', () => {
    const d = new Logistic({ loc: 0, scale: 1 });
    // −|z| − 2 log1p(e^−|z|) − log s: exactly −|z| here, where the naive form overflows e^|z|.
    const lp = d.logProb([-1e4, 200, 1e30]);
    expectClose(lp, [-1e4, -200, -1e30], { rtol: 1e-6 });
    const q = d.icdf([0, 1]);
    expectClose(q, [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
    tf.dispose([lp, q]);
    d.dispose();
    expect(() => new Logistic({ loc: 0, scale: 0 })).toThrow(
      /Logistic: argument 'scale' must be > 0, got 0/,
    );
  });
});
