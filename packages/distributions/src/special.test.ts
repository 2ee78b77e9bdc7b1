import { InvalidArgumentError, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../test/examples/load-fixture.js';
import { Gamma } from './gamma.js';
import { Poisson } from './poisson.js';
import { betainc, betaincinv, igamma, igammac, igammainv, ndtri } from './special.js';

/*
 * Against fixtures/special.json (fixtures/make_special.py: scipy.special at float32-rounded
 * inputs, so only the float32 algorithm's error is measured). Tolerances, with ε = 6e−8 the
 * float32 spacing at 1:
 * - ndtri: the AS 241 approximations are exact to 1e−16, so what remains is the rounding of
 *   the degree-7 rational evaluation: 1e−6 relative (16 ε), 1e−6 absolute next to p = ½.
 * - igamma/igammac and betainc: one side is computed directly and is relatively accurate, up to
 *   the rounding of the prefactor's exponent (a few ε times its O(1)…O(10) terms, after the
 *   Stirling rewriting for large parameters) and of the 32 series terms or 80 Lentz products:
 *   2e−5 relative (measured worst 3e−6); the other side is 1 minus it, so 1e−6 absolute (16 ε).
 */

interface Table {
  ndtri: { p: number[]; x: number[] };
  igamma: { a: number[]; x: number[]; P: number[]; Q: number[] };
  betainc: { a: number[]; b: number[]; x: number[]; I: number[] };
  igamma_grad: { a: number[]; x: number[]; dPda: number[] };
  igammainv: { a: number[]; p: number[]; x: number[]; dxda: number[] };
  betaincinv: { a: number[]; b: number[]; p: number[]; x: number[] };
}

const table = loadFixture('special') as Table;

/** Each value within atol + rtol·|expected| of the reference, with the input in the message. */
function expectWithin(
  actual: tf.Tensor,
  expected: number[],
  atol: number,
  rtol: number,
  label: (i: number) => string,
): void {
  const values = actual.dataSync();
  expect(values.length).toBe(expected.length);
  const bad: string[] = [];
  expected.forEach((e, i) => {
    const v = values[i]!;
    if (!(Math.abs(v - e) <= atol + rtol * Math.abs(e))) bad.push(`${label(i)}: ${v} vs ${e}`);
  });
  expect(bad, bad.slice(0, 10).join('\n')).toEqual([]);
}

/** d/d(args) of sum(f(args)), kept. */
function grads(f: (...args: tf.Tensor[]) => tf.Tensor, args: tf.Tensor[]): tf.Tensor[] {
  return tf.tidy(() => tf.grads((...xs: tf.Tensor[]) => tf.sum(f(...xs)))(args));
}

describeBackends('special functions', () => {
  describe('ndtri', () => {
    it('matches scipy from p = 1e−30 to 1 − 1e−6', () => {
      const { p, x } = table.ndtri;
      const out = ndtri(tf.tensor1d(p));
      expectWithin(out, x, 1e-6, 1e-6, (i) => `ndtri(${p[i]})`);
      out.dispose();
    });

    it('is ∓∞ at 0 and 1, NaN outside [0, 1], and keeps the shape', () => {
      const out = ndtri(
        tf.tensor2d([
          [0, 1, -0.1],
          [1.1, Number.NaN, 0.5],
        ]),
      );
      expect(out.shape).toEqual([2, 3]);
      expectClose(
        out,
        [
          [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, Number.NaN],
          [Number.NaN, Number.NaN, 0],
        ],
        { equalNan: true },
      );
      out.dispose();
    });

    it('has the gradient √(2π) exp(x²/2)', () => {
      const p = tf.tensor1d([1e-6, 0.1, 0.5, 0.97]);
      const [g] = grads((t) => ndtri(t), [p]);
      const x = ndtri(p);
      const expected = Array.from(
        x.dataSync(),
        (v) => Math.sqrt(2 * Math.PI) * Math.exp(0.5 * v * v),
      );
      expectClose(g!, expected, { rtol: 1e-5 });
      tf.dispose([p, g!, x]);
    });
  });

  describe('igamma and igammac', () => {
    it('match scipy gammainc/gammaincc from a = 0.1 to 1000, x from 1e−6 to the far tails', () => {
      const { a, x, P, Q } = table.igamma;
      const at = tf.tensor1d(a);
      const xt = tf.tensor1d(x);
      const lower = igamma(at, xt);
      const upper = igammac(at, xt);
      expectWithin(lower, P, 1e-6, 2e-5, (i) => `igamma(${a[i]}, ${x[i]})`);
      expectWithin(upper, Q, 1e-6, 2e-5, (i) => `igammac(${a[i]}, ${x[i]})`);
      tf.dispose([at, xt, lower, upper]);
    });

    it('broadcast, and follow scipy at the edges: 0 and ∞ in x, a = 0, NaN out of domain', () => {
      const a = tf.tensor2d([[1], [0], [-1]]);
      const x = tf.tensor1d([0, Number.POSITIVE_INFINITY, 2, -1, Number.NaN]);
      const lower = igamma(a, x);
      const upper = igammac(a, x);
      const nan = Number.NaN;
      expect(lower.shape).toEqual([3, 5]);
      expectClose(
        lower,
        [
          [0, 1, 1 - Math.exp(-2), nan, nan],
          [nan, 1, 1, nan, nan],
          [nan, nan, nan, nan, nan],
        ],
        { equalNan: true, rtol: 1e-6 },
      );
      expectClose(
        upper,
        [
          [1, 0, Math.exp(-2), nan, nan],
          [nan, 0, 0, nan, nan],
          [nan, nan, nan, nan, nan],
        ],
        { equalNan: true, rtol: 1e-6 },
      );
      tf.dispose([a, x, lower, upper]);
    });

    it('have the density as x-gradient and the implicit a-gradient, finite at x = 0', () => {
      const { a, x, dPda } = table.igamma_grad;
      const at = tf.tensor1d([...a, 2]);
      const xt = tf.tensor1d([...x, 0]);
      const [ga, gx] = grads(igamma, [at, xt]);
      expectClose(ga!, [...dPda, 0], { atol: 1e-6, rtol: 1e-4 });
      const density = a.map((ai, i) => {
        const xi = x[i]!;
        // Γ(a) by the float64 lgamma of the reference points: the fixture's a are few.
        return Math.exp((ai - 1) * Math.log(xi) - xi - lgamma64(ai));
      });
      expectClose(gx!, [...density, 0], { atol: 1e-6, rtol: 1e-4 });
      const [qa, qx] = grads(igammac, [at, xt]);
      expectClose(qa!, [...dPda.map((v) => -v), -0], { atol: 1e-6, rtol: 1e-4 });
      expectClose(qx!, [...density.map((v) => -v), -0], { atol: 1e-6, rtol: 1e-4 });
      tf.dispose([at, xt, ga!, gx!, qa!, qx!]);
    });
  });

  describe('betainc', () => {
    it('matches scipy betainc from a, b = 0.1 to 100 and x from 1e−6 to 1 − 1e−6', () => {
      const { a, b, x, I } = table.betainc;
      const out = betainc(tf.tensor1d(a), tf.tensor1d(b), tf.tensor1d(x));
      expectWithin(out, I, 1e-6, 2e-5, (i) => `betainc(${a[i]}, ${b[i]}, ${x[i]})`);
      out.dispose();
    });

    it('is 0 and 1 at the ends, NaN out of domain, and broadcasts', () => {
      const nan = Number.NaN;
      const out = betainc(
        tf.tensor1d([2, 2, 2, 0, -1, 2, 2]),
        tf.scalar(3),
        tf.tensor1d([0, 1, 0.5, 0.5, 0.5, 1.5, nan]),
      );
      expectClose(out, [0, 1, 0.6875, nan, nan, nan, nan], { equalNan: true, rtol: 1e-6 });
      out.dispose();
    });

    it('has the density as x-gradient (0 at the ends) and NaN as a- and b-gradients', () => {
      const a = tf.tensor1d([2, 0.5, 2]);
      const b = tf.tensor1d([3, 0.5, 3]);
      const x = tf.tensor1d([0.5, 0.25, 0]);
      const [ga, gb, gx] = grads(betainc, [a, b, x]);
      // 12 x (1 − x)² at ½; 1/(π √(x(1 − x))) at ¼
      expectClose(gx!, [1.5, 1 / (Math.PI * Math.sqrt(0.1875)), 0], { rtol: 1e-5 });
      expect(Array.from(ga!.dataSync()).every(Number.isNaN)).toBe(true);
      expect(Array.from(gb!.dataSync()).every(Number.isNaN)).toBe(true);
      tf.dispose([a, b, x, ga!, gb!, gx!]);
    });
  });

  describe('igammainv and betaincinv', () => {
    /*
     * Both solve P(a, x) = p (I_x(a, b) = p) by Newton's method on float32 evaluations of
     * igamma (betainc), so their error is that of P (I) divided by the log-derivative
     * d log P/d log x, which is about a in the lower tail: measured worst 2.7e−6 relative for the
     * gamma grid (a = 0.1) and 1.3e−5 for the beta grid (a = 0.3, b = 20 at p = 0.9; a = 0.2,
     * b = 0.5), on cpu and wasm; the round trips hold to the accuracy of igamma and betainc.
     */
    it('igammainv matches scipy gammaincinv (a = 0.1 … 1000, p = 1e−4 … 1 − 1e−4) and inverts igamma', () => {
      const { a, p, x } = table.igammainv;
      const at = tf.tensor1d(a);
      const out = igammainv(at, tf.tensor1d(p));
      expectWithin(out, x, 0, 1e-5, (i) => `igammainv(${a[i]}, ${p[i]})`);
      // Round trip on the smaller tail: P(a, x) = p below ½, Q(a, x) = 1 − p above.
      const lower = igamma(at, out);
      const upper = igammac(at, out);
      const [pv, qv] = [lower.dataSync(), upper.dataSync()];
      const back = p.map((pi, i) => (pi <= 0.5 ? pv[i]! / pi : qv[i]! / (1 - pi)));
      expectWithin(
        tf.tensor1d(back),
        back.map(() => 1),
        2e-5,
        0,
        (i) => `round trip ${a[i]}, ${p[i]}`,
      );
      tf.dispose([at, out, lower, upper]);
    });

    it('betaincinv matches scipy betaincinv (a, b = 0.2 … 1000, p = 1e−4 … 1 − 1e−4) and inverts betainc', () => {
      const { a, b, p, x } = table.betaincinv;
      const [at, bt] = [tf.tensor1d(a), tf.tensor1d(b)];
      const out = betaincinv(at, bt, tf.tensor1d(p));
      expectWithin(out, x, 0, 3e-5, (i) => `betaincinv(${a[i]}, ${b[i]}, ${p[i]})`);
      // Round trip where float32 resolves 1 − x (x < 0.999; above, a float32 x is too coarse).
      const keep = x.map((_, i) => i).filter((i) => x[i]! < 0.999);
      const pick = (v: number[]) => tf.tensor1d(keep.map((i) => v[i]!));
      const [ka, kb] = [pick(a), pick(b)];
      const back = tf.tidy(() => betainc(ka, kb, betaincinv(ka, kb, pick(p))));
      const kp = keep.map((i) => p[i]!);
      expectWithin(back, kp, 1e-6, 2e-5, (j) => `betainc round trip at ${keep[j]}`);
      tf.dispose([at, bt, out, ka, kb, back]);
    });

    it('follow scipy at the edges (0 and ∞ or 1 at p = 0 and 1), are NaN out of domain, and broadcast', () => {
      const nan = Number.NaN;
      const p = tf.tensor1d([0, 1, 0.5, -0.1, nan]);
      const g = igammainv(tf.tensor2d([[1], [0], [-1]]), p);
      expect(g.shape).toEqual([3, 5]);
      const inf = Number.POSITIVE_INFINITY;
      expectClose(
        g,
        [
          [0, inf, Math.LN2, nan, nan],
          [nan, nan, nan, nan, nan],
          [nan, nan, nan, nan, nan],
        ],
        { equalNan: true, rtol: 1e-6 },
      );
      const q = tf.tensor1d([0, 1, 0.6875, 1.5, nan]);
      const bx = betaincinv(tf.tensor1d([2, 2, 2, 2, 2]), tf.tensor1d([3, 3, 3, 3, 0]), q);
      expectClose(bx, [0, 1, 0.5, nan, nan], { equalNan: true, rtol: 1e-5 });
      const empty = tf.tensor1d([]);
      const outs = [igammainv(empty, empty), betaincinv(empty, empty, empty)];
      for (const o of outs) expect(o.shape).toEqual([0]);
      tf.dispose([p, g, q, bx, empty, ...outs]);
    });

    it('have dx/dp = 1/density, igammainv the implicit a-gradient, betaincinv NaN a- and b-gradients', () => {
      const { a, p, x, dxda } = table.igammainv;
      const [at, pt] = [tf.tensor1d(a), tf.tensor1d(p)];
      const [ga, gp] = grads(igammainv, [at, pt]);
      // 1/p(a, x) = Γ(a) x^(1−a) eˣ, in float64 at the reference quantiles.
      const inverseDensity = a.map((ai, i) => {
        const xi = x[i]!;
        return Math.exp(lgamma64(ai) + (1 - ai) * Math.log(xi) + xi);
      });
      expectWithin(gp!, inverseDensity, 0, 5e-5, (i) => `dx/dp at ${a[i]}, ${p[i]}`);
      expectWithin(ga!, dxda, 1e-6, 1e-4, (i) => `dx/da at ${a[i]}, ${p[i]}`);
      // Beta(2, 3) at p = 0.6875: x = ½, density 12 x (1 − x)² = 1.5; Beta(½, ½) (arcsine):
      // x = sin²(πp/2), dx/dp = (π/2) sin(πp).
      const ba = tf.tensor1d([2, 0.5, 0.5]);
      const bb = tf.tensor1d([3, 0.5, 0.5]);
      const bp = tf.tensor1d([0.6875, 0.1, 0.8]);
      const [da, db, dp] = grads(betaincinv, [ba, bb, bp]);
      expectClose(
        dp!,
        [1 / 1.5, (Math.PI / 2) * Math.sin(0.1 * Math.PI), (Math.PI / 2) * Math.sin(0.8 * Math.PI)],
        {
          rtol: 2e-5,
        },
      );
      expect(Array.from(da!.dataSync()).every(Number.isNaN)).toBe(true);
      expect(Array.from(db!.dataSync()).every(Number.isNaN)).toBe(true);
      tf.dispose([at, pt, ga!, gp!, ba, bb, bp, da!, db!, dp!]);
    });

    it('do not leak, forward or backward', async () => {
      await expectNoLeak(() => {
        const a = tf.tensor1d([0.5, 3, 50]);
        const p = tf.tensor1d([0.01, 0.5, 0.99]);
        const b = tf.reverse(a);
        const out = [igammainv(a, p), betaincinv(a, b, p)];
        const g = grads((s, t) => tf.add(igammainv(s, t), betaincinv(s, s, t)), [a, p]);
        return [a, b, p, ...out, ...g];
      });
    });
  });

  describe('in the families', () => {
    it('Poisson.cdf steps at the integers, is 0 below 0, and has the gradient −pmf in the rate', () => {
      const rate = tf.scalar(3);
      const d = new Poisson({ rate });
      const cdf = d.cdf(tf.tensor1d([-1, -0.5, 0, 0.5, 2.7]));
      // scipy.stats.poisson(3).cdf
      expectClose(cdf, [0, 0, 0.049787068367863944, 0.049787068367863944, 0.42319008112684353], {
        rtol: 1e-5,
      });
      const [g] = grads((r) => new Poisson({ rate: r }).cdf(tf.scalar(2)), [rate]);
      expectClose(g!, -4.5 * Math.exp(-3), { rtol: 1e-5 }); // −P(X = 2) = −3² e⁻³ / 2
      tf.dispose([rate, cdf, g!]);
      d.dispose();
    });

    it('Gamma.cdf is differentiable in the concentration (the implicit gradient)', () => {
      const { a, x, dPda } = table.igamma_grad;
      const i = a.indexOf(2.5);
      const alpha = tf.scalar(a[i]!);
      const [g] = grads(
        (c) => new Gamma({ concentration: c, rate: 2 }).cdf(tf.scalar(x[i]! / 2)),
        [alpha],
      );
      expectClose(g!, dPda[i]!, { rtol: 1e-4 });
      tf.dispose([alpha, g!]);
    });
  });

  it('refuse arguments that are not tensors or do not broadcast, with typed errors', () => {
    const a = tf.tensor1d([1, 2]);
    const x = tf.tensor1d([1, 2, 3]);
    expect(() => igamma(a, x)).toThrow(ShapeMismatchError);
    expect(() => betainc(a, a, x)).toThrow(/betainc: arguments 'a' \[2\], 'b' \[2\], 'x' \[3\]/);
    expect(() => ndtri([0.5] as unknown as tf.Tensor)).toThrow(InvalidArgumentError);
    tf.dispose([a, x]);
  });

  it('return empty results for empty inputs', () => {
    const e = tf.tensor1d([]);
    const outs = [ndtri(e), igamma(e, e), igammac(e, e), betainc(e, e, e)];
    for (const o of outs) expect(o.shape).toEqual([0]);
    tf.dispose([e, ...outs]);
  });

  it('do not leak, forward or backward', async () => {
    await expectNoLeak(() => {
      const p = tf.tensor1d([0.01, 0.5, 0.99]);
      const a = tf.tensor1d([0.5, 3, 50]);
      const out = [ndtri(p), igamma(a, p), igammac(a, p), betainc(a, a, p)];
      const g = grads((t, u) => tf.add(igamma(t, u), betainc(tf.onesLike(t), t, u)), [a, p]);
      return [p, a, ...out, ...g, ...grads((t) => ndtri(t), [p])];
    });
  });
});

/** log Γ(x) in float64 (Lanczos, g = 7), for the expected densities. */
function lgamma64(x: number): number {
  const c = [
    0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 0.000009984369578019572,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma64(1 - x);
  const y = x - 1;
  let s = c[0]!;
  for (let i = 1; i < 9; i++) s += c[i]! / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(s);
}
