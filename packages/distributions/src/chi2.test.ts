import { initBackend } from '@gen/core';
import { expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectLogProbGradients,
  expectPathwiseGradient,
} from '../test/examples/continuous-checks.js';
import { Chi2 } from './chi2.js';
import { Gamma } from './gamma.js';
import { kl } from './kl/index.js';

describe('Chi2', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('is a Gamma(ν/2, ½): instanceof, KL to that Gamma 0, and Gamma KLs apply', () => {
    const d = new Chi2({ df: [1, 4.5] });
    const g = new Gamma({ concentration: [0.5, 2.25], rate: 0.5 });
    expect(d).toBeInstanceOf(Gamma);
    const zero = kl(d, g);
    expectClose(zero, [0, 0], { atol: 1e-5 });
    const other = new Chi2({ df: [3, 3] });
    const g3 = new Gamma({ concentration: 1.5, rate: 0.5 });
    const a = kl(d, other);
    const b = kl(g, g3);
    expectClose(a, b, { rtol: 1e-6 });
    tf.dispose([zero, a, b]);
    for (const x of [d, g, other, g3]) x.dispose();
  });

  it('rsample: d/dν E[x] = 1 by Monte Carlo (implicit gradient through ν/2)', () => {
    expectPathwiseGradient({
      build: (t) => new Chi2({ df: t, validateArgs: false }),
      theta: 3,
      f: (x) => x,
      expected: 1,
      seed: 83,
    });
  });

  it('logProb gradients with respect to df match finite differences', () => {
    expectLogProbGradients((p) => new Chi2({ df: p.df! }), { df: [0.7, 5] }, [
      [0.3, 2],
      [1.5, 9],
    ]);
  });

  it('cdf is 0 below 0 and 1 at +∞', () => {
    const d = new Chi2({ df: [2, 7] });
    const cdf = d.cdf([
      [-3, Number.NEGATIVE_INFINITY],
      [Number.POSITIVE_INFINITY, 0],
    ]);
    expectClose(cdf, [
      [0, 0],
      [1, 0],
    ]);
    tf.dispose(cdf);
    d.dispose();
  });

  it('refuses unknown keys and a non-positive df, naming Chi2', () => {
    expect(() => new Chi2({ df: 2, rate: 1 } as unknown as { df: number })).toThrow(/Chi2/);
    expect(() => new Chi2({ df: [1, 0] })).toThrow(/Chi2: argument 'df' must be > 0, got 0/);
    const d = new Chi2({ df: 2 });
    expect(() => d.logProb(-1)).toThrow(/Chi2.logProb: argument 'x' must be >= 0, got -1/);
    d.dispose();
  });
});
