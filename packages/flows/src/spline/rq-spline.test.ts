import { InvalidArgumentError, Rng, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { referenceSpline } from './reference-spline.js';
import { unconstrainedRqSpline } from './rq-spline.js';
import { splineKnots } from './spline-knots.js';

const B = 2;
const K = 5;
const constants = { tailBound: B, minBinWidth: 1e-3, minBinHeight: 1e-3, minDerivative: 1e-3 };

/** Seeded unconstrained parameters for `n` inputs (std 1.5 makes bins very uneven). */
function params(n: number, seed: number, std = 1.5) {
  const [a, b, c] = Rng.fromSeed(seed).split(3);
  return {
    widths: a!.normal([n, K], 0, std),
    heights: b!.normal([n, K], 0, std),
    derivatives: c!.normal([n, K - 1], 0, std),
  };
}

function knotsOf(p: ReturnType<typeof params>) {
  const k = splineKnots(p.widths, p.heights, p.derivatives, constants);
  return {
    xs: k.xs.arraySync() as number[][],
    ys: k.ys.arraySync() as number[][],
    ds: k.derivatives.arraySync() as number[][],
    dispose: () => tf.dispose([k.xs, k.ys, k.derivatives]),
  };
}

describeBackends('unconstrainedRqSpline', () => {
  it('is the identity with zero parameters, inside and outside the tails', () => {
    const x = tf.tensor1d([-7, -B, -1.3, 0, 0.4, B, 1e6]);
    const zeros = {
      widths: tf.zeros([7, K]),
      heights: tf.zeros([7, K]),
      derivatives: tf.zeros([7, K - 1]),
    };
    const { y, logDet } = unconstrainedRqSpline(x, zeros, { tailBound: B });
    expectClose(y, x, { atol: 2e-6, rtol: 1e-6 });
    expectClose(logDet, 0, { atol: 2e-6, rtol: 0 });
    tf.dispose([x, y, logDet, zeros.widths, zeros.heights, zeros.derivatives]);
  });

  it('matches an independent float64 implementation of Durkan et al.’s formulas', () => {
    const n = 40;
    const p = params(n, 1);
    const xs = Array.from({ length: n }, (_, i) => -B + (2 * B * (i + 0.5)) / n);
    const ref = referenceSpline(
      xs,
      p.widths.arraySync() as number[][],
      p.heights.arraySync() as number[][],
      p.derivatives.arraySync() as number[][],
      constants,
    );
    const x = tf.tensor1d(xs);
    const { y, logDet } = unconstrainedRqSpline(x, p, constants);
    expectClose(y, ref.y, { atol: 2e-5, rtol: 0 });
    expectClose(logDet, ref.logDet, { atol: 2e-4, rtol: 0 });
    const back = unconstrainedRqSpline(y, p, { ...constants, inverse: true });
    expectClose(back.y, xs, { atol: 1e-4, rtol: 0 });
    expectClose(
      back.logDet,
      ref.logDet.map((v) => -v),
      { atol: 2e-4, rtol: 0 },
    );
    tf.dispose([x, y, logDet, back.y, back.logDet, p.widths, p.heights, p.derivatives]);
  });

  it('passes through every knot with the knot’s derivative, both ways', () => {
    const n = 4;
    const p = params(n, 2);
    const k = knotsOf(p);
    for (let j = 0; j <= K; j++) {
      const x = tf.tensor1d(k.xs.map((row) => row[j]!));
      const { y, logDet } = unconstrainedRqSpline(x, p, constants);
      expectClose(
        y,
        k.ys.map((row) => row[j]!),
        { atol: 2e-6, rtol: 1e-6, message: `knot ${j}` },
      );
      expectClose(
        logDet,
        k.ds.map((row) => Math.log(row[j]!)),
        { atol: 1e-4, rtol: 0, message: `knot ${j}` },
      );
      const back = unconstrainedRqSpline(y, p, { ...constants, inverse: true });
      expectClose(
        back.y,
        k.xs.map((row) => row[j]!),
        { atol: 1e-5, rtol: 0, message: `knot ${j}` },
      );
      tf.dispose([x, y, logDet, back.y, back.logDet]);
    }
    k.dispose();
    tf.dispose([p.widths, p.heights, p.derivatives]);
  });

  it('is finite, continuous and the identity at and beyond ±B, with finite gradients', () => {
    const edge = [-1e6, -B - 1, -B - 1e-4, -B, B, B + 1e-4, B + 1, 1e6];
    const p = params(edge.length, 3);
    const x = tf.tensor1d(edge);
    for (const inverse of [false, true]) {
      const { y, logDet } = unconstrainedRqSpline(x, p, { ...constants, inverse });
      // At ±B the spline ends on the tail: y = ±B with slope exactly 1 (boundary derivatives).
      expectClose(y, edge, { atol: 1e-5, rtol: 1e-7 });
      expectClose(logDet, 0, { atol: 1e-5, rtol: 0 });
      tf.dispose([y, logDet]);
      const grads = tf.grads((xi: tf.Tensor, w: tf.Tensor, h: tf.Tensor, d: tf.Tensor) => {
        const out = unconstrainedRqSpline(
          xi,
          { widths: w, heights: h, derivatives: d },
          { ...constants, inverse },
        );
        return tf.add(tf.sum(out.y), tf.sum(out.logDet));
      })([x, p.widths, p.heights, p.derivatives]);
      for (const g of grads) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
      // dy/dx is 1 on the identity tails and at ±B, where the boundary derivatives are 1.
      const slope = tf.grad((xi: tf.Tensor) =>
        tf.sum(unconstrainedRqSpline(xi, p, { ...constants, inverse }).y),
      )(x);
      expectClose(slope, 1, { atol: 1e-4, rtol: 0 });
      grads.push(slope);
      tf.dispose(grads);
    }
    tf.dispose([x, p.widths, p.heights, p.derivatives]);
  });

  it('log-det equals the log of the finite-difference slope and the map is increasing', () => {
    const n = 60;
    // Moderate parameters: a central difference with step h is then accurate to ~h²·|y‴|/6.
    const p = params(n, 4, 0.5);
    const grid = Array.from({ length: n }, (_, i) => -B - 0.5 + ((2 * B + 1) * i) / (n - 1));
    const h = 1e-3;
    const at = (v: number[]) => {
      const t = tf.tensor1d(v);
      const out = unconstrainedRqSpline(t, p, constants);
      const values = Array.from(out.y.dataSync());
      tf.dispose([t, out.y, out.logDet]);
      return values;
    };
    const plus = at(grid.map((v) => v + h));
    const minus = at(grid.map((v) => v - h));
    const x = tf.tensor1d(grid);
    const { y, logDet } = unconstrainedRqSpline(x, p, constants);
    const slopes = grid.map((_, i) => (plus[i]! - minus[i]!) / (2 * h));
    // Each spline has its own parameters, so monotonicity is checked point against point.
    expect(slopes.every((v) => v > 0)).toBe(true);
    // float32 rounding of y (|y| ≤ 3) contributes ≤ 2·3·2⁻²⁴/(2h) ≈ 2e-4 to each slope.
    const slope = tf.exp(logDet);
    expectClose(slope, slopes, { atol: 5e-4, rtol: 1e-3 });
    tf.dispose([x, y, logDet, slope, p.widths, p.heights, p.derivatives]);
  });

  it('does not leak', async () => {
    const p = params(3, 5);
    const x = tf.tensor1d([-3, 0.1, 2]);
    await expectNoLeak(() => [
      unconstrainedRqSpline(x, p),
      unconstrainedRqSpline(x, p, { inverse: true }),
    ]);
    tf.dispose([x, p.widths, p.heights, p.derivatives]);
  });

  it('rejects bad inputs with typed errors', () => {
    const p = params(3, 6);
    const x = tf.tensor1d([0, 1, 2]);
    const fn = 'unconstrainedRqSpline';
    expect(() => unconstrainedRqSpline(tf.zeros([4]), p)).toThrow(ShapeMismatchError);
    expect(() => unconstrainedRqSpline(x, { ...p, derivatives: tf.zeros([3, K]) })).toThrow(
      `${fn}: argument 'params.derivatives' must have shape [3, ${K - 1}], got [3, ${K}]`,
    );
    expect(() => unconstrainedRqSpline(x, p, { tailBound: 0 })).toThrow(
      `${fn}: argument 'tailBound' must be a finite number > 0, got 0`,
    );
    expect(() => unconstrainedRqSpline(x, p, { minBinWidth: 0.2 })).toThrow(InvalidArgumentError);
    expect(() => unconstrainedRqSpline(x, p, { tails: 'linear' } as never)).toThrow(
      /unknown option 'tails'/,
    );
    tf.dispose([x, p.widths, p.heights, p.derivatives]);
  });
});
