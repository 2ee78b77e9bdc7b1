import { initBackend } from '@gen/core';
import { expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import {
  expectLogProbGradients,
  expectPathwiseGradient,
} from '../test/examples/continuous-checks.js';
import { Cauchy } from './cauchy.js';

describe('Cauchy', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('rsample: d/dx₀ E[cos x] = −sin x₀ e^−γ and d/dγ E[1/(1 + x²)] = −1/(1 + γ)² by Monte Carlo', () => {
    // E[cos x] = cos x₀ e^−γ (the characteristic function at 1); for x₀ = 0,
    // E[1/(1 + x²)] = 1/(1 + γ). Both integrands are bounded, so the estimates have finite variance.
    const [loc, scale] = [0.7, 1.2];
    expectPathwiseGradient({
      build: (t) => new Cauchy({ loc: t, scale, validateArgs: false }),
      theta: loc,
      f: tf.cos,
      expected: -Math.sin(loc) * Math.exp(-scale),
      perDraw: (x) => -Math.sin(x),
      seed: 71,
    });
    expectPathwiseGradient({
      build: (t) => new Cauchy({ loc: 0, scale: t, validateArgs: false }),
      theta: scale,
      f: (x) => tf.reciprocal(tf.add(1, tf.square(x))),
      expected: -1 / (1 + scale) ** 2,
      perDraw: (x) => (-2 * x * x) / (1 + x * x) ** 2 / scale,
      seed: 72,
    });
  });

  it('logProb gradients match finite differences', () => {
    expectLogProbGradients(
      (p) => new Cauchy({ loc: p.loc!, scale: p.scale! }),
      { loc: [0, 1], scale: [0.5, 2] },
      [
        [-1, 3],
        [0.7, -20],
      ],
    );
  });

  it('logProb stays finite and exact where z² overflows float32', () => {
    // scipy.stats.cauchy(0, 1).logpdf(1e25).
    const d = new Cauchy({ loc: 0, scale: 1 });
    const lp = d.logProb(1e25);
    expectClose(lp, -116.27398453555168, { atol: 0, rtol: 1e-6 });
    lp.dispose();
    d.dispose();
  });

  it('icdf is −∞ at 0 and +∞ at 1, and cdf is 0 and 1 at ∓∞', () => {
    const d = new Cauchy({ loc: 2, scale: 3 });
    const q = d.icdf([0, 1]);
    expectClose(q, [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
    const c = d.cdf([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
    expectClose(c, [0, 1]);
    tf.dispose([q, c]);
    d.dispose();
  });
});
