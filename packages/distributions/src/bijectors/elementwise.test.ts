import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { numericalLogDerivative } from '../../test/jacobians.js';
import { Affine } from './affine.js';
import type { BaseBijector } from './bijector.js';
import { Exp } from './exp.js';
import { Scale } from './scale.js';
import { Shift } from './shift.js';
import { Sigmoid } from './sigmoid.js';
import { Softplus } from './softplus.js';
import { Tanh } from './tanh.js';

const sp = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
/** Spacing of float32 numbers around v: the rounding a float32 output carries. */
const ulp32 = (v: number) => 2 ** (Math.floor(Math.log2(Math.abs(v))) - 23);

interface Case {
  make: () => BaseBijector;
  /** Points across the domain, edges included. */
  xs: number[];
  /** Images close to the edges of the range, for forward(inverse(y)). */
  ys: number[];
  /** float64 references: f(x) and log |f'(x)|. */
  f: (x: number) => number;
  logDet: (x: number) => number;
}

const cases: Record<string, Case> = {
  Shift: {
    make: () => new Shift([1, -2, 0.5, 0, 3]),
    xs: [-3, 0, 7, 1e-3, -1e4],
    ys: [-3, 0, 7, 1e-3, -1e4],
    f: (x) => x,
    logDet: () => 0,
  },
  Scale: {
    make: () => new Scale(-0.5),
    xs: [-3, 0, 7, 1e-3, -1e4],
    ys: [-3, 0, 7, 1e-3, -1e4],
    f: (x) => -0.5 * x,
    logDet: () => Math.log(0.5),
  },
  Affine: {
    make: () => new Affine({ shift: 1, scale: 3 }),
    xs: [-3, 0, 7, 1e-3, -100],
    ys: [-3, 0, 7, 1e-3, -100],
    f: (x) => 1 + 3 * x,
    logDet: () => Math.log(3),
  },
  Exp: {
    make: () => new Exp(),
    xs: [-20, -1, 0, 2, 20],
    ys: [1e-30, 1e-6, 1, 1e6, 1e30],
    f: Math.exp,
    logDet: (x) => x,
  },
  Sigmoid: {
    make: () => new Sigmoid(),
    xs: [-15, -3, 0, 3, 15],
    ys: [1e-30, 1e-6, 0.5, 1 - 2 ** -20, 1 - 2 ** -24],
    f: (x) => 1 / (1 + Math.exp(-x)),
    logDet: (x) => -sp(-x) - sp(x),
  },
  Tanh: {
    make: () => new Tanh(),
    xs: [-5, -1, 0, 0.5, 5],
    ys: [-1 + 2 ** -24, -0.999, 0, 1 - 2 ** -20, 1 - 2 ** -24],
    f: Math.tanh,
    logDet: (x) => -2 * Math.log(Math.cosh(x)),
  },
  Softplus: {
    make: () => new Softplus(),
    xs: [Math.log(Math.expm1(1e-4)), -1, 0, 2, 30],
    ys: [1e-6, 1e-4, 1, 30, 80],
    f: sp,
    logDet: (x) => -sp(-x),
  },
};

// Shift's per-element shift makes its references element-dependent.
const shifts = [1, -2, 0.5, 0, 3];
const ref = (name: string, c: Case, i: number, x: number) =>
  name === 'Shift' ? x + shifts[i]! : c.f(x);

/** Reads a tensor as float64 numbers and disposes it. */
function take(t: tf.Tensor): number[] {
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}

describeBackends('elementwise bijectors', () => {
  for (const [name, c] of Object.entries(cases)) {
    describe(name, () => {
      it('forward and its log-det match float64 references, edges of the domain included', () => {
        const b = c.make();
        const { y, logDet } = b.forwardAndLogDet(tf.tensor1d(c.xs));
        expectClose(
          y,
          c.xs.map((x, i) => ref(name, c, i, x)),
          { atol: 1e-6, rtol: 2e-6 },
        );
        expectClose(logDet, c.xs.map(c.logDet), { atol: 2e-6, rtol: 2e-6 });
        tf.dispose([y, logDet]);
        b.dispose();
      });

      it('inverse(forward(x)) ≈ x within the conditioning of the float32 forward value', () => {
        const b = c.make();
        const y = take(b.forward(tf.tensor1d(c.xs)));
        const back = take(b.inverse(tf.tensor1d(y)));
        c.xs.forEach((x, i) => {
          // y carries ≤ ½ ulp of rounding, which the inverse amplifies by |dx/dy| = e^(−logDet).
          const tol = ulp32(y[i]!) * Math.exp(-c.logDet(x)) + 4e-7 * Math.abs(x) + 1e-7;
          expect(Math.abs(back[i]! - x), `x = ${x}`).toBeLessThanOrEqual(tol);
        });
        b.dispose();
      });

      it('forward(inverse(y)) ≈ y for images next to the edges of the range', () => {
        const b = c.make();
        const x = take(b.inverse(tf.tensor1d(c.ys)));
        const again = take(b.forward(tf.tensor1d(x)));
        c.ys.forEach((y, i) => {
          const tol = 2 * ulp32(y) + 2 * ulp32(x[i]!) * Math.exp(c.logDet(x[i]!));
          expect(Math.abs(again[i]! - y), `y = ${y}`).toBeLessThanOrEqual(tol);
          expect(Number.isFinite(x[i]!)).toBe(true);
        });
        b.dispose();
      });

      it('inverse log-det = −forward log-det at the preimage', () => {
        const b = c.make();
        const inv = b.inverseAndLogDet(tf.tensor1d(c.ys));
        const fwd = b.forwardAndLogDet(inv.x);
        expectClose(inv.logDet, take(tf.neg(fwd.logDet)), { atol: 1e-5, rtol: 1e-5 });
        tf.dispose([inv.x, inv.logDet, fwd.y, fwd.logDet]);
        b.dispose();
      });

      it('log-dets match finite-difference derivatives of forward and inverse', () => {
        const b = c.make();
        const xs = c.xs.map((x) => Math.max(-2, Math.min(2, x)));
        const fd = numericalLogDerivative((v) => b.forward(v), xs);
        expectClose(take(b.forwardAndLogDet(tf.tensor1d(xs)).logDet), fd, { atol: 2e-4, rtol: 0 });
        const ys = take(b.forward(tf.tensor1d(xs)));
        const fdInv = numericalLogDerivative((v) => b.inverse(v), ys, 1e-3);
        expectClose(take(b.inverseAndLogDet(tf.tensor1d(ys)).logDet), fdInv, {
          atol: 2e-3,
          rtol: 0,
        });
        b.dispose();
      });

      it('does not leak', async () => {
        await expectNoLeak(() => {
          const b = c.make();
          const x = tf.tensor1d(c.xs);
          const y = tf.tensor1d(c.ys);
          const out = [x, y, b.forward(x), b.forwardAndLogDet(x), b.inverseAndLogDet(y)];
          b.dispose();
          return out;
        });
      });
    });
  }
});
