import { initBackend } from '@gen/core';
import { expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectLogProbGradients,
  expectPathwiseGradient,
} from '../test/examples/continuous-checks.js';
import { Gumbel } from './gumbel.js';

const EULER_GAMMA = 0.5772156649015329;

describe('Gumbel', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('rsample: d/dβ E[x] = γ by Monte Carlo, draw by draw (x − μ)/β', () => {
    const [mu, beta] = [1, 2];
    expectPathwiseGradient({
      build: (t) => new Gumbel({ loc: mu, scale: t, validateArgs: false }),
      theta: beta,
      f: (x) => x,
      expected: EULER_GAMMA,
      perDraw: (x) => (x - mu) / beta,
      seed: 71,
    });
  });

  it('logProb gradients match finite differences', () => {
    expectLogProbGradients(
      (p) => new Gumbel({ loc: p.loc!, scale: p.scale! }),
      { loc: [0, -2], scale: [0.7, 3] },
      [
        [0.5, -4],
        [-0.4, 6],
      ],
    );
  });

  it('icdf is −∞ at 0 and +∞ at 1; a non-positive scale is refused by name', () => {
    const d = new Gumbel({ loc: 1, scale: 2 });
    const q = d.icdf([0, 1]);
    expectClose(q, [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
    tf.dispose(q);
    d.dispose();
    expect(() => new Gumbel({ loc: 0, scale: -1 })).toThrow(
      /Gumbel: argument 'scale' must be > 0, got -1/,
    );
  });
});
