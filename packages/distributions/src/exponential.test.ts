import { initBackend } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectLogProbGradients,
  expectPathwiseGradient,
} from '../test/examples/continuous-checks.js';
import { Exponential } from './exponential.js';

describe('Exponential', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('rsample: d/dλ E[x²] = −4/λ³ by Monte Carlo, and dx/dλ = −x/λ per draw', () => {
    const rate = 1.3;
    expectPathwiseGradient({
      build: (r) => new Exponential({ rate: r, validateArgs: false }),
      theta: rate,
      f: tf.square,
      expected: -4 / rate ** 3,
      perDraw: (x) => (-2 * x * x) / rate,
      seed: 41,
    });
  });

  it('logProb gradients match finite differences', () => {
    expectLogProbGradients((p) => new Exponential({ rate: p.rate! }), { rate: [0.5, 3] }, [
      [0, 2],
      [1.5, 0.1],
    ]);
  });

  it('rejects a non-positive rate and negative points, naming them', () => {
    expect(() => new Exponential({ rate: [1, 0] })).toThrow(
      /Exponential: argument 'rate' must be > 0, got 0 at flat index 1/,
    );
    const d = new Exponential({ rate: 2 });
    expect(() => d.logProb([1, -1])).toThrow(
      /Exponential.logProb: argument 'x' must be >= 0, got -1/,
    );
    d.dispose();
  });
});
