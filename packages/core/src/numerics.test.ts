import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import {
  digamma,
  lgamma,
  log1mexp,
  logMeanExp,
  logSigmoid,
  softplus,
  trigamma,
  xlogy,
} from './numerics.js';
import { expectClose, expectNoLeak, numericalGradient } from './testing/assertions.js';
import { describeBackends } from './testing/backends.js';

interface Fixtures {
  special: {
    x: number[];
    lgamma: number[];
    digamma: number[];
    trigamma: number[];
    tetragamma: number[];
  };
  softplus: { x: number[]; softplus: number[]; logSigmoid: number[]; sigmoid: number[] };
  log1mexp: { x: number[]; value: number[]; grad: number[] };
  xlogy: { x: number[]; y: number[]; value: number[] };
  logMeanExp: { x: number[][]; all: number; axis0: number[]; axis1: number[] };
}

// scipy/numpy values at the float32 inputs, written by fixtures/make_fixtures.py.
const fixtures = JSON.parse(
  readFileSync(new URL('../fixtures/numerics.json', import.meta.url), 'utf8'),
) as Fixtures;

/** float32 machine epsilon 2⁻²³; the tolerances below are multiples of it. */
const EPS = 2 ** -23;

type Fn = (x: tf.Tensor) => tf.Tensor;

const gradOf = (f: Fn): Fn => tf.grad((x: tf.Tensor) => tf.sum(f(x)));

/**
 * Checks tf.grad(f) against central differences at scalar points. Each of f(x ± h) is off by at
 * most `delta` (f's own accuracy there) and the truncation error is h²·f'''/6, so the difference
 * quotient may be off by delta / h + h²·m3 / 6 with m3 ≥ |f'''| within h of the points.
 */
function expectFiniteDifferencesAgree(
  f: Fn,
  points: number[],
  { h, delta, m3 }: { h: number; delta: number; m3: number },
): void {
  const atol = delta / h + (h * h * m3) / 6;
  for (const point of points) {
    tf.tidy(() => {
      const x = tf.scalar(point);
      const numerical = numericalGradient((v) => f(v) as tf.Scalar, x, h);
      expectClose(gradOf(f)(x), numerical, { atol, rtol: 0, message: `at x = ${point}` });
    });
  }
}

const sigmoid64 = (x: number): number => 1 / (1 + Math.exp(-x));

describeBackends('lgamma, digamma, trigamma', ({ tolerance }) => {
  // Backends less exact than float32 cpu/wasm (BackendInfo.tolerance 1e-5) get wider bounds.
  const scale = tolerance / 1e-5;
  // Lanczos and the asymptotic series add terms of size up to ~15 that cancel near the zeros of
  // lgamma (1, 2) and digamma (1.4616): a few ulp of those terms absolute, a few ulp relative
  // elsewhere.
  const tol = { atol: 16 * EPS * scale, rtol: 8 * EPS * scale };
  const ref = fixtures.special;
  const x = () => tf.tensor1d(ref.x);

  it('lgamma matches scipy.special.gammaln on (0, 50] and at negative non-integers', () => {
    tf.tidy(() => expectClose(lgamma(x()), ref.lgamma, tol));
  });

  it('digamma matches scipy.special.psi', () => {
    tf.tidy(() => expectClose(digamma(x()), ref.digamma, tol));
  });

  it('trigamma matches scipy.special.polygamma(1, ·)', () => {
    tf.tidy(() => expectClose(trigamma(x()), ref.trigamma, tol));
  });

  it('lgamma is +Inf at its poles 0, −1, −2 and exact at integers', () => {
    tf.tidy(() => {
      expectClose(lgamma(tf.tensor1d([0, -1, -2])), [Infinity, Infinity, Infinity]);
      const factorials = lgamma(tf.tensor1d([1, 2, 3, 4, 5], 'int32'));
      expectClose(factorials, [0, 0, Math.log(2), Math.log(6), Math.log(24)], tol);
    });
  });

  it('differentiates in closed form: lgamma′ = digamma, digamma′ = trigamma', () => {
    tf.tidy(() => {
      expectClose(gradOf(lgamma)(x()), ref.digamma, tol);
      expectClose(gradOf(digamma)(x()), ref.trigamma, tol);
    });
  });

  it('has higher derivatives: lgamma″ = trigamma, lgamma‴ = trigamma′ = polygamma(2, ·)', () => {
    // Below ½, trigamma′ includes the reflection term −2π³ cos(πr) / sin³(πr), which vanishes at
    // r = ±½ where float32 cos(π/2) = −4.4e−8 does not: an absolute allowance of 4π³ε there.
    const reflected = { atol: 4 * Math.PI ** 3 * EPS * scale, rtol: tol.rtol };
    const split = (values: number[], left: boolean) =>
      values.filter((_, i) => ref.x[i]! < 0.5 === left);
    tf.tidy(() => {
      expectClose(tf.grad(gradOf(lgamma))(x()), ref.trigamma, tol);
      for (const left of [false, true]) {
        const input = tf.tensor1d(split(ref.x, left));
        const expected = split(ref.tetragamma, left);
        const bound = left ? reflected : tol;
        expectClose(gradOf(trigamma)(input), expected, bound);
        expectClose(tf.grad(tf.grad(gradOf(lgamma)))(input), expected, bound);
      }
    });
  });

  it('has gradients that agree with finite differences', () => {
    // m3 bounds |ψ⁽ᵏ⁾| within h of the points (scipy: 6.7, 196 and 156 at 0.7 or −2.5); delta
    // is the value tolerance at the largest |f| there (11.7, 2.2 and 9.6).
    const points = [0.7, 1.7, 4.2, 9.5, -2.5];
    const delta = (fmax: number) => (16 * EPS + 8 * EPS * fmax) * scale;
    expectFiniteDifferencesAgree(lgamma, points, { h: 1e-2, delta: delta(11.7), m3: 6.8 });
    expectFiniteDifferencesAgree(digamma, points, { h: 1e-2, delta: delta(2.2), m3: 196 });
    expectFiniteDifferencesAgree(trigamma, points, { h: 1e-2, delta: delta(9.6), m3: 156 });
  });

  it('does not leak, also under first and second derivatives', async () => {
    const input = x();
    for (const f of [lgamma, digamma, trigamma]) {
      await expectNoLeak(() => f(input), f.name);
      await expectNoLeak(() => gradOf(f)(input), `grad ${f.name}`);
      await expectNoLeak(() => tf.grad(gradOf(f))(input), `second derivative of ${f.name}`);
    }
    input.dispose();
  });
});

describeBackends('softplus and logSigmoid', ({ tolerance }) => {
  const scale = tolerance / 1e-5;
  // max(x, 0) + log1p(e^−|x|) is a couple of roundings; absolute because the wasm backend's
  // log1p is log(1 + u) in float32, which keeps u below ~1e−7 only to within half an ulp of 1.
  const tol = { atol: 4 * EPS * scale, rtol: 4 * EPS * scale };
  const ref = fixtures.softplus;

  it('match log(1 + eˣ) and −log(1 + e⁻ˣ) (numpy.logaddexp) for |x| up to 1e4', () => {
    tf.tidy(() => {
      const x = tf.tensor1d(ref.x);
      const sp = softplus(x);
      const ls = logSigmoid(x);
      expectClose(sp, ref.softplus, tol);
      expectClose(ls, ref.logSigmoid, tol);
      for (const v of [...sp.dataSync(), ...ls.dataSync()]) expect(Number.isFinite(v)).toBe(true);
    });
  });

  it('are exact in the linear tails: logSigmoid(−1e4) = −1e4, softplus(1e4) = 1e4', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([-1e4, 1e4]);
      const exact = { atol: 0, rtol: 0 };
      expectClose(softplus(x), [0, 1e4], exact);
      expectClose(logSigmoid(x), [-1e4, 0], exact);
    });
  });

  it('have finite gradients σ(x) and σ(−x)', () => {
    tf.tidy(() => {
      const x = tf.tensor1d(ref.x);
      expectClose(gradOf(softplus)(x), ref.sigmoid, tol);
      expectClose(
        gradOf(logSigmoid)(x),
        ref.x.map((v) => sigmoid64(-v)),
        tol,
      );
    });
  });

  it('have second derivatives σ(x)(1 − σ(x))', () => {
    tf.tidy(() => {
      const x = tf.tensor1d(ref.x);
      const expected = ref.x.map((v) => sigmoid64(v) * sigmoid64(-v));
      expectClose(tf.grad(gradOf(softplus))(x), expected, tol);
      expectClose(
        tf.grad(gradOf(logSigmoid))(x),
        expected.map((v) => -v),
        tol,
      );
    });
  });

  it('have gradients that agree with finite differences', () => {
    // |f| ≤ 20 at these points, |f'''| = |σ(1 − σ)(1 − 2σ)| ≤ 0.1.
    const points = [-20, -3, 0, 2.5, 15];
    const options = { h: 1e-2, delta: (4 * EPS + 4 * EPS * 20) * scale, m3: 0.1 };
    expectFiniteDifferencesAgree(softplus, points, options);
    expectFiniteDifferencesAgree(logSigmoid, points, options);
  });

  it('do not leak, also under tf.grad', async () => {
    const x = tf.tensor1d(ref.x);
    for (const f of [softplus, logSigmoid]) {
      await expectNoLeak(() => f(x), f.name);
      await expectNoLeak(() => gradOf(f)(x), `grad ${f.name}`);
    }
    x.dispose();
  });
});

describeBackends('log1mexp', ({ tolerance }) => {
  const scale = tolerance / 1e-5;
  // Relative on both branches: that is what the two branches are for.
  const tol = { atol: 0, rtol: 8 * EPS * scale };
  const ref = fixtures.log1mexp;

  it('matches log(1 − eˣ) on both sides of −log 2, from −1e−7 to −50', () => {
    tf.tidy(() => expectClose(log1mexp(tf.tensor1d(ref.x)), ref.value, tol));
  });

  it('is −Inf at 0 and continuous across the branch switch at −log 2', () => {
    tf.tidy(() => {
      expectClose(log1mexp(tf.scalar(0)), -Infinity);
      const [below, at, above] = log1mexp(
        tf.tensor1d([Math.fround(-Math.LN2) - 6e-8, -Math.LN2, Math.fround(-Math.LN2) + 6e-8]),
      ).dataSync() as Float32Array;
      expect(Math.abs(below! - at!)).toBeLessThan(2e-7);
      expect(Math.abs(above! - at!)).toBeLessThan(2e-7);
    });
  });

  it('has the gradient −1 / expm1(−x) on both branches', () => {
    tf.tidy(() => expectClose(gradOf(log1mexp)(tf.tensor1d(ref.x)), ref.grad, tol));
  });

  it('has the second derivative −e⁻ˣ / expm1(−x)²', () => {
    tf.tidy(() => {
      const expected = ref.x.map((v) => -Math.exp(-v) / Math.expm1(-v) ** 2);
      expectClose(tf.grad(gradOf(log1mexp))(tf.tensor1d(ref.x)), expected, tol);
    });
  });

  it('has a gradient that agrees with finite differences', () => {
    // |f| ≤ 1.4 and |f'''| ≤ 75 within h of −0.3, the point closest to the pole at 0.
    expectFiniteDifferencesAgree(log1mexp, [-0.3, -0.5, -1.5, -4], {
      h: 3e-3,
      delta: 8 * EPS * 1.4 * scale,
      m3: 75,
    });
  });

  it('does not leak, also under tf.grad', async () => {
    const x = tf.tensor1d(ref.x);
    await expectNoLeak(() => log1mexp(x));
    await expectNoLeak(() => gradOf(log1mexp)(x));
    x.dispose();
  });
});

describeBackends('xlogy', ({ tolerance }) => {
  const scale = tolerance / 1e-5;
  const tol = { atol: 0, rtol: 4 * EPS * scale };
  const ref = fixtures.xlogy;

  it('matches scipy.special.xlogy, with 0 · log 0 = 0', () => {
    tf.tidy(() => expectClose(xlogy(tf.tensor1d(ref.x), tf.tensor1d(ref.y)), ref.value, tol));
  });

  it('broadcasts x against y', () => {
    tf.tidy(() => {
      const y = tf.tensor2d([
        [1, Math.E],
        [Math.E ** 2, 0.5],
      ]);
      expectClose(
        xlogy(tf.tensor1d([2, 3]), y),
        [
          [0, 3],
          [4, 3 * Math.log(0.5)],
        ],
        tol,
      );
    });
  });

  it('has gradients log y and x / y, and a finite zero gradient wherever x = 0 (as torch)', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([0, 0, 2, -1.5]);
      const y = tf.tensor1d([0, 2, 3, 0.25]);
      const [dx, dy] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(xlogy(a, b)))([x, y]);
      expectClose(dx!, [0, 0, Math.log(3), Math.log(0.25)], tol);
      expectClose(dy!, [0, 0, 2 / 3, -6], tol);
    });
  });

  it('sums the gradient over broadcast axes', () => {
    tf.tidy(() => {
      const y = tf.tensor1d([1, 2, 5]);
      const dx = tf.grad((a: tf.Tensor) => tf.sum(xlogy(a, y)))(tf.scalar(2));
      expectClose(dx, Math.log(10), tol);
    });
  });

  it('has gradients that agree with finite differences', () => {
    // In x it is linear; in y, |f| ≤ 3 and |f'''| = 2|x| / y³ ≤ 25 for x = 1.5, y ≥ 0.49.
    const y0 = 0.5;
    const inX: Fn = (x) => xlogy(x, tf.scalar(y0));
    const inY: Fn = (y) => xlogy(tf.scalar(1.5), y);
    const delta = 4 * EPS * 3 * scale;
    expectFiniteDifferencesAgree(inX, [0.5, 3], { h: 1e-2, delta, m3: 0 });
    expectFiniteDifferencesAgree(inY, [0.5, 2, 7], { h: 1e-2, delta, m3: 25 });
  });

  it('does not leak, also under tf.grads', async () => {
    const x = tf.tensor1d(ref.x);
    const y = tf.tensor1d(ref.y);
    await expectNoLeak(() => xlogy(x, y));
    await expectNoLeak(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(xlogy(a, b)))([x, y]));
    tf.dispose([x, y]);
  });
});

describeBackends('logMeanExp', ({ tolerance }) => {
  const scale = tolerance / 1e-5;
  // max + log Σ exp(x − max) − log n: a few roundings of results up to ~100 in size.
  const tol = { atol: 4 * EPS * scale, rtol: 4 * EPS * scale };
  const ref = fixtures.logMeanExp;

  it('matches scipy logsumexp − log n over all axes and per axis, at ±100 without overflow', () => {
    tf.tidy(() => {
      const x = tf.tensor2d(ref.x);
      expectClose(logMeanExp(x), ref.all, tol);
      expectClose(logMeanExp(x, [0, 1]), ref.all, tol);
      expectClose(logMeanExp(x, 0), ref.axis0, tol);
      expectClose(logMeanExp(x, 1), ref.axis1, tol);
      expectClose(logMeanExp(x, -1), ref.axis1, tol);
      expectClose(
        logMeanExp(x, 1, true),
        ref.axis1.map((v) => [v]),
        tol,
      );
    });
  });

  it('has the softmax of the reduced entries as its gradient', () => {
    tf.tidy(() => {
      const softmax = (row: number[]) => {
        const m = Math.max(...row);
        const e = row.map((v) => Math.exp(v - m));
        const s = e.reduce((a, b) => a + b, 0);
        return e.map((v) => v / s);
      };
      const g = tf.grad((x: tf.Tensor) => tf.sum(logMeanExp(x, 1)))(tf.tensor2d(ref.x));
      expectClose(g, ref.x.map(softmax), tol);
    });
  });

  it('is −Inf when every entry is −Inf and +Inf when one is +Inf, not NaN', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([
        [-Infinity, -Infinity],
        [0, -Infinity],
        [Infinity, 0],
      ]);
      expectClose(logMeanExp(x, 1), [-Infinity, -Math.LN2, Infinity], tol);
    });
  });

  it('has second derivatives: d²/dv² logMeanExp([v, 2v]) = w(1 − w), w = softmax weight of 2v', () => {
    tf.tidy(() => {
      const v = [-0.7, 0, 0.5, 3];
      const expected = v.map((t) => {
        const w = 1 / (1 + Math.exp(-t));
        return w * (1 - w);
      });
      const f: Fn = (x) => logMeanExp(tf.stack([x, tf.mul(2, x)]), 0);
      expectClose(tf.grad(gradOf(f))(tf.tensor1d(v)), expected, tol);
    });
  });

  it('has a gradient that agrees with finite differences', () => {
    // logMeanExp([x, 0.3, −1.2]): |f| ≤ 3 and |f'''| ≤ 1/(6√3) < 0.1 (a logistic in x).
    const f: Fn = (x) => logMeanExp(tf.concat([tf.reshape(x, [1]), tf.tensor1d([0.3, -1.2])]));
    expectFiniteDifferencesAgree(f, [-2, 0.3, 2.5], {
      h: 1e-2,
      delta: 4 * EPS * 3 * scale,
      m3: 0.1,
    });
  });

  it('does not leak, also under tf.grad', async () => {
    const x = tf.tensor2d(ref.x);
    await expectNoLeak(() => logMeanExp(x, 0));
    await expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(logMeanExp(v, 1)))(x));
    x.dispose();
  });
});

describeBackends('numerics: bad input', () => {
  it('logMeanExp refuses an empty reduction instead of returning ±Infinity', () => {
    const empty = tf.zeros([0]);
    const rows = tf.zeros([2, 0]);
    expect(() => logMeanExp(empty)).toThrow(InvalidArgumentError);
    expect(() => logMeanExp(rows, 1)).toThrow(
      /^logMeanExp: argument 'x' must not be empty along the reduced axes \[1\]/,
    );
    // Reducing the non-empty axis of an empty tensor is fine: an empty result.
    const out = logMeanExp(tf.zeros([0, 3]), 1);
    expect(out.shape).toEqual([0]);
    expect(() => logMeanExp(rows, 2)).toThrow(/^logMeanExp: argument 'axis' must be an integer/);
    expect(() => logMeanExp(rows, [0, 0])).toThrow(/must not repeat an axis/);
    tf.dispose([empty, rows, out]);
  });

  it('names the function for non-tensor and string inputs', () => {
    expect(() => softplus([1] as never)).toThrow(
      /^softplus: argument 'x' must be a live tf.Tensor/,
    );
    expect(() => lgamma(tf.tensor(['a']))).toThrow(/^lgamma: argument 'x' must be a numeric/);
    const x = tf.ones([2]);
    const y = tf.ones([3]);
    expect(() => xlogy(x, y)).toThrow(/^xlogy: arguments 'x' \[2\] and 'y' \[3\] do not broadcast/);
    tf.dispose([x, y]);
  });

  it('digamma is −1/x − γ next to 0 (where sin(πx) underflows) and −Inf at 0', () => {
    const x = tf.tensor1d([1e-7, -1e-7, 1e-30, 0, -1]);
    const values = Array.from(digamma(x).dataSync());
    const gamma = 0.5772156649015329;
    expect(values[0]).toBeCloseTo(-1e7 - gamma, -1);
    expect(values[1]).toBeCloseTo(1e7 - gamma, -1);
    expect(values[2]! / -1e30).toBeCloseTo(1, 5);
    expect(values[3]).toBe(Number.NEGATIVE_INFINITY);
    expect(values[4]).toBeNaN();
    x.dispose();
  });
});
