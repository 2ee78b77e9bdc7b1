import { initBackend, Rng } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectLogProbGradients,
  expectPathwiseGradient,
} from '../test/examples/continuous-checks.js';
import { Beta } from './beta.js';

describe('Beta', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('rsample: d/da E[x] = b/(a + b)² and d/db E[x] = −a/(a + b)² by Monte Carlo', () => {
    const [a, b] = [0.6, 2.5];
    expectPathwiseGradient({
      build: (t) => new Beta({ a: t, b, validateArgs: false }),
      theta: a,
      f: (x) => x,
      expected: b / (a + b) ** 2,
      n: 8000,
      seed: 81,
    });
    expectPathwiseGradient({
      build: (t) => new Beta({ a, b: t, validateArgs: false }),
      theta: b,
      f: (x) => x,
      expected: -a / (a + b) ** 2,
      n: 8000,
      seed: 82,
    });
  });

  it('logProb gradients match finite differences', () => {
    expectLogProbGradients((p) => new Beta({ a: p.a!, b: p.b! }), { a: [0.5, 3], b: [2, 1.5] }, [
      [0.3, 0.6],
      [0.85, 0.1],
    ]);
  });

  it('rejects non-positive concentrations and points outside [0, 1], naming them', () => {
    expect(() => new Beta({ a: [1, -0.5], b: 1 })).toThrow(
      /Beta: argument 'a' must be > 0, got -0.5 at flat index 1/,
    );
    expect(() => new Beta({ a: 1, b: 0 })).toThrow(/argument 'b' must be > 0, got 0/);
    const d = new Beta({ a: 2, b: 2 });
    expect(() => d.logProb([0.5, 1.25])).toThrow(
      /Beta.logProb: argument 'x' must be in \[0, 1\], got 1.25/,
    );
    d.dispose();
  });

  it('does not leak through rsample gradients', async () => {
    const a = tf.tensor1d([0.5, 4]);
    await expectNoLeak(() =>
      tf.grad((t: tf.Tensor) => {
        const d = new Beta({ a: t, b: 2 });
        const out = tf.sum(d.logProb(d.rsample(5, Rng.fromSeed(8))));
        d.dispose();
        return out;
      })(a),
    );
    a.dispose();
  });
});
