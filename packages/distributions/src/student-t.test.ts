import { initBackend } from '@gen/core';
import { expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectLogProbGradients,
  expectPathwiseGradient,
} from '../test/examples/continuous-checks.js';
import { StudentT } from './student-t.js';

// d/dν E[log |x|] for x ~ t(ν): E[log |x|] = E[log |ε|] − ½ (log 2 + ψ(ν/2) − log ν), so the
// derivative is 1/(2ν) − ψ₁(ν/2)/4 (scipy.special.polygamma(1, ν/2)).
const DLOGABS = { 1.5: -0.3021365785845684, 10: -0.0053307389342788294 };

describe('StudentT', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  for (const [df, expected] of Object.entries(DLOGABS)) {
    it(`rsample: d/dν E[log |x|] = 1/(2ν) − ψ₁(ν/2)/4 by Monte Carlo (ν = ${df})`, () => {
      // The gradient through ν is Gamma's implicit one (checked per draw against scipy there).
      expectPathwiseGradient({
        build: (t) => new StudentT({ df: t, loc: 0, scale: 1, validateArgs: false }),
        theta: Number(df),
        f: (x) => tf.log(tf.abs(x)),
        expected,
        n: 4000,
        seed: 61,
      });
    });
  }

  it('rsample: d/dσ E[x²] = 2σν/(ν − 2) by Monte Carlo', () => {
    const [df, scale] = [9, 1.5];
    expectPathwiseGradient({
      build: (t) => new StudentT({ df, loc: 0, scale: t, validateArgs: false }),
      theta: scale,
      f: tf.square,
      expected: (2 * scale * df) / (df - 2),
      perDraw: (x) => (2 * x * x) / scale,
      seed: 62,
    });
  });

  it('logProb gradients match finite differences', () => {
    expectLogProbGradients(
      (p) => new StudentT({ df: p.df!, loc: p.loc!, scale: p.scale! }),
      { df: [0.7, 3, 25], loc: [0, 1, -2], scale: [1, 0.5, 2] },
      [
        [0.2, 4, -13],
        [-1.5, 1, 0],
      ],
    );
  });

  it('logProb stays finite and exact far in the tails, where z² overflows float32', () => {
    // scipy.stats.t(3).logpdf(1e25), t(0.5, 0, 2).logpdf(-3e30).
    const d = new StudentT({ df: [3, 0.5], loc: 0, scale: [1, 2] });
    const lp = d.logProb([1e25, -3e30]);
    expectClose(lp, [-229.06217357169186, -106.74806733878572], { atol: 0, rtol: 1e-6 });
    tf.dispose([lp]);
    d.dispose();
  });

  it('cdf is accurate near the centre, in both tails and for large df (scipy.stats.t.cdf)', () => {
    const cases: [number, number, number, number[], number[]][] = [
      [
        3,
        0,
        1,
        [1e-5, -2e-4, 30, -1e3, 1e20],
        [0.5000036755259695, 0.49992648948126384, 0.9999593235978642, 1.1026538212882999e-9, 1],
      ],
      [
        0.5,
        1,
        2,
        [1.0001, -1e6, 50],
        [0.5000134838150129, 4.5353944212727417e-4, 0.9352167110021531],
      ],
      [150, 0, 1, [-4, 0.01, 2.5], [4.957792969643099e-5, 0.5039827125317986, 0.9932523389906526]],
      // z² < ν but far in the tail: summed from the tail, not as ½ − (a value near ½).
      [
        50,
        0,
        1,
        [-5.376673221588135, -15.23823356628418, 0.30000001192092896],
        [1.0000006330542156e-6, 9.999993517765875e-21, 0.617289564392288],
      ],
    ];
    for (const [df, loc, scale, x, expected] of cases) {
      const d = new StudentT({ df, loc, scale });
      const c = d.cdf(x);
      // betainc: about 1e−6 absolute, relative in the directly computed tail.
      expectClose(c, expected, { atol: 2e-6, rtol: 1e-4, message: `df ${df}` });
      c.dispose();
      d.dispose();
    }
    const d = new StudentT({ df: 3, loc: 0, scale: 1 });
    const ends = d.cdf([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
    expectClose(ends, [0, 1]);
    ends.dispose();
    d.dispose();
  });

  it('icdf matches scipy.stats.t.ppf from 1e−20 to 1 − 1e−6 for 0.3 ≤ ν ≤ 300', () => {
    const p = [1e-20, 1e-6, 0.01, 0.2, 0.4999, 0.7, 0.999999];
    // scipy.stats.t(ν).ppf at the float32 values of p; ν = 0.3 at 1e−20 (−1.4e65) overflows.
    const cases: [number, number[]][] = [
      [
        0.3,
        [
          Number.NEGATIVE_INFINITY,
          -3.007185835862029e18,
          -139581.21110592163,
          -6.414576479739614,
          -0.00043601574702676726,
          1.6126580306126364,
          2.8778192400846643e18,
        ],
      ],
      [
        1,
        [
          -3.1830989628518883e19, -318309.8869864431, -31.820516665469775, -1.3763818933928675,
          -0.00031411777995790023, 0.7265424707976218, 314138.453848448,
        ],
      ],
      [
        4,
        [
          -131607.40232670828, -41.57785417674766, -3.7469474137264567, -0.9409645640959893,
          -0.00026663144824432087, 0.5686490244300648, 41.44069640619312,
        ],
      ],
      [
        50,
        [
          -15.238233339128765, -5.3766734010147905, -2.4032719270802785, -0.8488692335692386,
          -0.0002518859243911249, 0.527760418024388, 5.372919114120142,
        ],
      ],
      [
        300,
        [
          -9.975051374221728, -4.848514300276919, -2.338841932293523, -0.8428210004884609,
          -0.0002508386663407293, 0.5249581237594811, 4.845690634553555,
        ],
      ],
    ];
    for (const [df, expected] of cases) {
      const d = new StudentT({ df, loc: 0, scale: 1 });
      const q = d.icdf(p);
      // About 1e−5 relative in the tails (betainc's), 2e−8 absolute near the median.
      expectClose(q, expected, { atol: 1e-7, rtol: 1e-4, message: `df ${df}` });
      q.dispose();
      d.dispose();
    }
    const d = new StudentT({ df: 2.5, loc: 1, scale: 3 });
    const ends = d.icdf([0, 0.5, 1]);
    expectClose(ends, [Number.NEGATIVE_INFINITY, 1, Number.POSITIVE_INFINITY]);
    ends.dispose();
    d.dispose();
  });

  it('icdf is differentiable in p: d/dp F⁻¹(p) = σ/p(F⁻¹(p))', () => {
    const p = tf.tensor1d([0.3, 0.999]);
    const g = tf.grad((q: tf.Tensor) => {
      const d = new StudentT({ df: 3, loc: 1, scale: 2 });
      const x = d.icdf(q);
      d.dispose();
      return x;
    })(p);
    // 2 / scipy.stats.t(3).pdf(t(3).ppf(p)) at the float32 values of p.
    expectClose(g, [6.750778529757228, 6965.809057444329], { atol: 0, rtol: 1e-4 });
    tf.dispose([p, g]);
  });

  it('cdf is differentiable in loc: d/dμ F(x) = −p(x)', () => {
    const loc = tf.scalar(0);
    const g = tf.grad((m: tf.Tensor) => {
      const d = new StudentT({ df: 3, loc: m, scale: 1 });
      const c = d.cdf(0.5);
      d.dispose();
      return c;
    })(loc);
    // scipy.stats.t(3).pdf(0.5).
    expectClose(g, -0.31318091100882867, { atol: 0, rtol: 1e-5 });
    tf.dispose([loc, g]);
  });

  it('mean and variance follow torch at the boundaries ν = 1 and ν = 2', () => {
    const d = new StudentT({ df: [1, 2, 2.5], loc: 3, scale: 2 });
    const mean = d.mean();
    const variance = d.variance();
    expectClose(mean, [Number.NaN, 3, 3], { equalNan: true });
    expectClose(variance, [Number.NaN, Number.POSITIVE_INFINITY, 20], { equalNan: true });
    tf.dispose([mean, variance]);
    d.dispose();
  });

  it('refuses unknown keys and non-positive df, naming them', () => {
    expect(() => new StudentT({ df: 0, loc: 0, scale: 1 })).toThrow(
      /StudentT: argument 'df' must be > 0, got 0/,
    );
    expect(
      () =>
        new StudentT({ df: 1, loc: 0, scale: 1, nu: 2 } as unknown as {
          df: number;
          loc: number;
          scale: number;
        }),
    ).toThrow(/nu/);
  });
});
