import { InvalidArgumentError, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { logAbsDet, numericalJacobian } from '../../test/jacobians.js';
import { Affine } from './affine.js';
import type { BaseBijector } from './bijector.js';
import { Chain } from './chain.js';
import { Exp } from './exp.js';
import { Invert } from './invert.js';
import { Permute } from './permute.js';
import { Scale } from './scale.js';
import { Shift } from './shift.js';
import { Sigmoid } from './sigmoid.js';
import { Tanh } from './tanh.js';

const tril = [
  [1.5, 0, 0],
  [0.3, -0.8, 0],
  [-1, 0.5, 2],
];

/** Event-rank-1 bijectors on [3] events, with a point inside the domain. */
const cases: Record<string, { make: () => BaseBijector; x: number[] }> = {
  'Affine scaleTril': {
    make: () => new Affine({ shift: [1, -2, 0.5], scaleTril: tril }),
    x: [0.2, -0.7, 1.1],
  },
  Permute: { make: () => new Permute([2, 0, 1]), x: [0.2, -0.7, 1.1] },
  'Chain of mixed event ranks': {
    make: () =>
      new Chain([new Tanh(), new Affine({ scaleTril: tril }), new Permute([1, 2, 0]), new Exp()]),
    x: [0.2, -0.7, 0.3],
  },
  'Invert of a chain': {
    make: () => new Invert(new Chain([new Affine({ scaleTril: tril }), new Sigmoid()])),
    x: [0.6, -0.3, 1.2],
  },
};

describeBackends('event-rank-1 bijectors', () => {
  for (const [name, c] of Object.entries(cases)) {
    describe(name, () => {
      it('log-det equals log |det| of the finite-difference Jacobian', () => {
        const b = c.make();
        expect(b.eventRank).toBe(1);
        const { y, logDet } = b.forwardAndLogDet(tf.tensor1d(c.x));
        expect(logDet.shape).toEqual([]);
        const jac = numericalJacobian((v) => b.forward(v), c.x, 1e-2);
        expectClose(logDet, logAbsDet(jac), { atol: 2e-3, rtol: 0 });
        const yv = Array.from(y.dataSync());
        const inv = numericalJacobian((v) => b.inverse(v), yv, 1e-3);
        const back = b.inverseAndLogDet(y);
        expectClose(back.logDet, logAbsDet(inv), { atol: 5e-3, rtol: 0 });
        expectClose(back.logDet, -logDet.dataSync()[0]!, { atol: 1e-5, rtol: 1e-5 });
        tf.dispose([y, logDet, back.x, back.logDet]);
        b.dispose();
      });

      it('round-trips a batch and gives one log-det per event', () => {
        const b = c.make();
        const x = tf.tensor2d([c.x, c.x.map((v) => 0.9 * v), c.x.map((v) => 1.05 * v)]);
        const { y, logDet } = b.forwardAndLogDet(x);
        expect(logDet.shape).toEqual([3]);
        expectClose(b.inverse(y), x, { atol: 1e-5, rtol: 1e-4 });
        tf.dispose([x, y, logDet]);
        b.dispose();
      });

      it('does not leak (dispose releases the parts)', async () => {
        await expectNoLeak(() => {
          const b = c.make();
          const x = tf.tensor1d(c.x);
          const y = b.forward(x);
          const out = [x, y, b.forwardAndLogDet(x), b.inverseAndLogDet(y)];
          b.dispose();
          return out;
        });
      });
    });
  }
});

describe('Chain', () => {
  it('composes like functions: Chain([f, g]) = f ∘ g, g applied first', () => {
    const x = tf.tensor1d([1, 2]);
    const shiftThenScale = new Chain([new Scale(2), new Shift(1)]);
    const scaleThenShift = new Chain([new Shift(1), new Scale(2)]);
    expectClose(shiftThenScale.forward(x), [4, 6]);
    expectClose(scaleThenShift.forward(x), [3, 5]);
    expectClose(scaleThenShift.inverse(tf.tensor1d([3, 5])), [1, 2]);
    expect(scaleThenShift.isConstantJacobian).toBe(true);
    expect(new Chain([new Exp(), new Shift(1)]).isConstantJacobian).toBe(false);
    expect(Object.keys(scaleThenShift.params)).toEqual(['0.shift', '1.scale']);
    x.dispose();
  });

  it('sums elementwise log-dets over the event axes of the widest part', () => {
    const b = new Chain([new Permute([1, 0]), new Exp()]);
    const { logDet } = b.forwardAndLogDet(
      tf.tensor2d([
        [1, 2],
        [3, -4],
      ]),
    );
    expectClose(logDet, [3, -1]);
  });

  it('rejects an empty list and non-bijectors', () => {
    expect(() => new Chain([])).toThrow(InvalidArgumentError);
    expect(() => new Chain([new Exp(), {} as Exp])).toThrow(
      "Chain: argument 'bijectors[1]' must be a Bijector, got {}",
    );
  });
});

describe('Invert and Affine', () => {
  it('Invert swaps the directions and negates the log-det', () => {
    const log = new Invert(new Exp());
    const { y, logDet } = log.forwardAndLogDet(tf.tensor1d([1, Math.E]));
    expectClose(y, [0, 1]);
    expectClose(logDet, [0, -1]);
    expectClose(log.inverse(tf.tensor1d([0, 1])), [1, Math.E]);
    expect(() => log.forward([-1])).toThrow(/Exp.inverse: argument 'y' must be > 0, got -1/);
  });

  it('Affine with scaleTril computes shift + L x and Σ log |Lᵢᵢ|', () => {
    const b = new Affine({
      shift: [1, 2],
      scaleTril: [
        [2, 0],
        [1, 3],
      ],
    });
    const { y, logDet } = b.forwardAndLogDet(tf.tensor1d([1, 1]));
    expectClose(y, [3, 6]);
    expectClose(logDet, Math.log(6));
    expect(
      () =>
        new Affine({
          scaleTril: [
            [1, 1],
            [0, 1],
          ],
        }),
    ).toThrow(
      "Affine: argument 'scaleTril' must be lower triangular and zero above the diagonal, got 1 at [0, 1] (flat index 1)",
    );
    expect(
      () =>
        new Affine({
          scaleTril: [
            [1, 0],
            [2, 0],
          ],
        }),
    ).toThrow(/non-zero on the diagonal/);
    expect(() => new Affine({ scaleTril: [1, 2] })).toThrow(ShapeMismatchError);
    expect(() => b.forward([1, 2, 3])).toThrow(/event size 2 of 'scaleTril'/);
  });

  it('Affine broadcasts a batch of matrices against a batch of vectors', () => {
    const l = tf.tensor3d([
      [
        [2, 0],
        [1, 1],
      ],
      [
        [1, 0],
        [0, 4],
      ],
    ]); // [2, 2, 2]
    const b = new Affine({ scaleTril: l });
    const x = tf.ones([3, 2, 2]);
    const { y, logDet } = b.forwardAndLogDet(x);
    expect(y.shape).toEqual([3, 2, 2]);
    expectClose(tf.slice(y, [0, 0, 0], [1, 2, 2]), [
      [
        [2, 2],
        [1, 4],
      ],
    ]);
    expectClose(logDet, [
      [Math.log(2), Math.log(4)],
      [Math.log(2), Math.log(4)],
      [Math.log(2), Math.log(4)],
    ]);
    expectClose(b.inverse(y), x, { atol: 1e-6 });
  });
});
