import { initBackend } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectLogProbGradients,
  expectPathwiseGradient,
} from '../test/examples/continuous-checks.js';
import { DoubleSidedMaxwell } from './double-sided-maxwell.js';

describe('DoubleSidedMaxwell', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('rsample: d/dμ E[x²] = 2μ and d/dσ E[x²] = 6σ by Monte Carlo', () => {
    const [loc, scale] = [-0.4, 0.9];
    expectPathwiseGradient({
      build: (t) => new DoubleSidedMaxwell({ loc: t, scale, validateArgs: false }),
      theta: loc,
      f: tf.square,
      expected: 2 * loc,
      perDraw: (x) => 2 * x,
      seed: 71,
    });
    expectPathwiseGradient({
      build: (t) => new DoubleSidedMaxwell({ loc, scale: t, validateArgs: false }),
      theta: scale,
      f: tf.square,
      expected: 6 * scale,
      perDraw: (x) => (2 * x * (x - loc)) / scale,
      seed: 72,
    });
  });

  it('logProb gradients match finite differences', () => {
    expectLogProbGradients(
      (p) => new DoubleSidedMaxwell({ loc: p.loc!, scale: p.scale! }),
      { loc: [0, 1], scale: [1.2, 2] },
      [
        [-1, 3],
        [0.7, -2],
      ],
    );
  });

  it('rejects a non-positive scale and non-finite points, naming them', () => {
    expect(() => new DoubleSidedMaxwell({ loc: 0, scale: [1, 0] })).toThrow(
      /DoubleSidedMaxwell: argument 'scale' must be > 0, got 0 at flat index 1/,
    );
    const d = new DoubleSidedMaxwell({ loc: 0, scale: 1 });
    expect(() => d.logProb([0, Number.NEGATIVE_INFINITY])).toThrow(
      /DoubleSidedMaxwell.logProb: argument 'x' must be finite/,
    );
    d.dispose();
  });
});
