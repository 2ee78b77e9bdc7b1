import { initBackend } from '@gen/core';
import { expectClose } from '@gen/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectLogProbGradients,
  expectPathwiseGradient,
} from '../test/examples/continuous-checks.js';
import { LogNormal } from './log-normal.js';

describe('LogNormal', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('rsample: d/dμ E[x] = E[x] and d/dσ E[x] = σ E[x] by Monte Carlo', () => {
    const [loc, scale] = [0.3, 0.6];
    const mean = Math.exp(loc + scale ** 2 / 2);
    expectPathwiseGradient({
      build: (t) => new LogNormal({ loc: t, scale, validateArgs: false }),
      theta: loc,
      f: (x) => x,
      expected: mean,
      perDraw: (x) => x,
      seed: 101,
    });
    expectPathwiseGradient({
      build: (t) => new LogNormal({ loc, scale: t, validateArgs: false }),
      theta: scale,
      f: (x) => x,
      expected: scale * mean,
      perDraw: (x) => (x * (Math.log(x) - loc)) / scale,
      seed: 102,
    });
  });

  it('logProb gradients match finite differences', () => {
    expectLogProbGradients(
      (p) => new LogNormal({ loc: p.loc!, scale: p.scale! }),
      { loc: [0, 1], scale: [0.5, 2] },
      [
        [0.3, 3],
        [2, 40],
      ],
    );
  });

  it('cdf is 0 at and below 0 (outside the support)', () => {
    const d = new LogNormal({ loc: 0, scale: 1 });
    const c = d.cdf([-1, 0]);
    expectClose(c, [0, 0]);
    c.dispose();
    d.dispose();
  });

  it('refuses a non-positive scale and non-positive points, naming them', () => {
    expect(() => new LogNormal({ loc: 0, scale: -2 })).toThrow(
      /LogNormal: argument 'scale' must be > 0, got -2/,
    );
    const d = new LogNormal({ loc: 0, scale: 1 });
    expect(() => d.logProb(0)).toThrow(/LogNormal.logProb: argument 'x' must be > 0, got 0/);
    d.dispose();
  });
});
