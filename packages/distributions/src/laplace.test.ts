import { initBackend } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectLogProbGradients,
  expectPathwiseGradient,
} from '../test/examples/continuous-checks.js';
import { Laplace } from './laplace.js';

describe('Laplace', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('rsample: d/dμ E[x²] = 2μ and d/db E[x²] = 4b by Monte Carlo', () => {
    const [loc, scale] = [0.7, 1.2];
    expectPathwiseGradient({
      build: (t) => new Laplace({ loc: t, scale, validateArgs: false }),
      theta: loc,
      f: tf.square,
      expected: 2 * loc,
      perDraw: (x) => 2 * x,
      seed: 51,
    });
    expectPathwiseGradient({
      build: (t) => new Laplace({ loc, scale: t, validateArgs: false }),
      theta: scale,
      f: tf.square,
      expected: 4 * scale,
      perDraw: (x) => (2 * x * (x - loc)) / scale,
      seed: 52,
    });
  });

  it('logProb gradients match finite differences away from the kink at loc', () => {
    expectLogProbGradients(
      (p) => new Laplace({ loc: p.loc!, scale: p.scale! }),
      { loc: [0, 1], scale: [0.5, 2] },
      [
        [-1, 3],
        [0.7, -2],
      ],
    );
  });

  it('rejects a non-positive scale and non-finite points, naming them', () => {
    expect(() => new Laplace({ loc: 0, scale: -1 })).toThrow(
      /Laplace: argument 'scale' must be > 0, got -1/,
    );
    expect(() => new Laplace({ loc: Number.POSITIVE_INFINITY, scale: 1 })).toThrow(
      /argument 'loc' must be finite/,
    );
    const d = new Laplace({ loc: 0, scale: 1 });
    expect(() => d.logProb(Number.NaN)).toThrow(/Laplace.logProb: argument 'x' must be finite/);
    d.dispose();
  });
});
