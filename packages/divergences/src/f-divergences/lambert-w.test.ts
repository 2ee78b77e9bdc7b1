import { initBackend } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectGradientMatches } from '../../test/support.js';
import { lambertW, wrightOmega } from './lambert-w.js';

// Reference values of W₀ (scipy.special.lambertw, float64; W(1) is the omega constant).
const KNOWN: [number, number][] = [
  [-0.3, -0.4894022271802149],
  [-Math.LN2 / 2, -Math.LN2],
  [-0.2, -0.2591711018190737],
  [-0.01, -0.01010152719853875],
  [0, 0],
  [1e-3, 9.990014973385308e-4],
  [0.5, 0.35173371124919584],
  [1, 0.5671432904097838],
  [Math.E, 1],
  [10, 1.7455280027406994],
  [2 * Math.E ** 2, 2],
  [1e6, 11.383358086140053],
  [1e30, 64.90463377004612],
];

describeBackends('lambertW', ({ tolerance }) => {
  it('matches reference values of W₀ on [−1/e, 1e30]', () => {
    const x = tf.tensor1d(KNOWN.map(([v]) => v));
    // float32 rounding of x moves W by at most x·W′(x)·2⁻²⁴ ≤ 2⁻²⁴|W| away from −1/e.
    expectClose(
      lambertW(x),
      KNOWN.map(([, w]) => w),
      { atol: 1e-7, rtol: 4 * tolerance * 0.1 },
    );
    // At the branch point W(−1/e + δ) ≈ −1 + √(2eδ): float32(−1/e) is off by δ ≤ 2e−8.
    expectClose(lambertW(tf.scalar(-1 / Math.E)), -1, { atol: 4e-4 });
    x.dispose();
  });

  it('solves w·eʷ = x across the domain and is NaN below −1/e', () => {
    const xs = Array.from({ length: 60 }, (_, i) => -0.36 + 1.1 ** i - 1);
    const w = lambertW(tf.tensor1d(xs));
    const back = tf.mul(w, tf.exp(w));
    expectClose(back, xs, { atol: 1e-6, rtol: 4e-6 });
    expect(Number.isNaN(lambertW(tf.scalar(-0.5)).dataSync()[0])).toBe(true);
    tf.dispose([w, back]);
  });

  it('has the derivative W/(x(1 + W)) (finite differences)', () => {
    for (const x0 of [-0.3, -0.05, 0, 0.7, 3, 40]) {
      expectGradientMatches((x) => tf.sum(lambertW(x)) as tf.Scalar, tf.tensor1d([x0]), {
        eps: 1e-3,
        atol: 2e-3,
        rtol: 2e-3,
      });
    }
  });
});

describe('wrightOmega', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('solves ω + log ω = z for z from −50 to 1000 without overflow', () => {
    const z = [-50, -10, -2, -1, -0.5, 0, 0.5, 1, 2, 5, 20, 88, 89, 200, 1000];
    const w = wrightOmega(tf.tensor1d(z));
    const values = Array.from(w.dataSync());
    values.forEach((omega, i) => {
      expect(Number.isFinite(omega) && omega > 0).toBe(true);
      expect(Math.abs(omega + Math.log(omega) - z[i]!)).toBeLessThanOrEqual(
        2e-6 * (1 + Math.abs(z[i]!)),
      );
    });
    expectClose(values[5]!, 0.5671432904097838, { atol: 1e-6 });
    w.dispose();
  });

  it('has the derivative ω/(1 + ω) and does not leak', async () => {
    expectGradientMatches((z) => tf.sum(wrightOmega(z)) as tf.Scalar, tf.tensor1d([-3, 0, 2, 30]), {
      eps: 1e-2,
      atol: 1e-3,
      rtol: 1e-3,
    });
    const one = tf.scalar(1);
    await expectNoLeak(() => [wrightOmega(one), lambertW(one)]);
    one.dispose();
  });
});
