import { InvalidArgumentError, isBijector, isNetwork, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import { BaseBijector } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { examples } from '../test/examples.js';
import {
  curvedData,
  logAbsDet,
  maxAbsDiff,
  numericalJacobian,
  trainBriefly,
} from '../test/support.js';
import type { LearnedBijector } from './learned-bijector.js';

const points: Record<number, number[]> = { 2: [0.3, -0.8], 3: [0.3, -0.8, 1.1] };

/**
 * Forward and inverse log-dets at `x` against log |det| of the central-difference Jacobian
 * (step 1e-2: float32 rounding ≈ 1e-5 and truncation ≈ 2e-5·|f‴| per entry, far below 2e-3).
 */
function expectLogDetsMatchJacobians(b: LearnedBijector, x: number[]): void {
  const { y, logDet } = b.forwardAndLogDet(tf.tensor1d(x));
  expect(logDet.shape).toEqual([]);
  expectClose(logDet, logAbsDet(numericalJacobian((v) => b.forward(v), x)), {
    atol: 2e-3,
    rtol: 0,
  });
  const yv = Array.from(y.dataSync());
  const back = b.inverseAndLogDet(y);
  expectClose(back.logDet, logAbsDet(numericalJacobian((v) => b.inverse(v), yv)), {
    atol: 2e-3,
    rtol: 0,
  });
  expectClose(back.logDet, -logDet.dataSync()[0]!, { atol: 1e-4, rtol: 0 });
  expectClose(back.x, x, { atol: 1e-4, rtol: 1e-4 });
  tf.dispose([y, logDet, back.x, back.logDet]);
}

describeBackends('learned bijectors', () => {
  for (const [name, make] of Object.entries(examples)) {
    describe(name, () => {
      for (const dim of [2, 3]) {
        it(`log-dets equal finite-difference Jacobians before and after training (D = ${dim})`, () => {
          const b = make(dim, 7);
          expectLogDetsMatchJacobians(b, points[dim]!);
          const data = curvedData(256, dim, dim);
          trainBriefly(b, data);
          const probe = tf.tensor2d([points[dim]!]);
          const moved = b.forward(probe);
          // The training moved the map well away from where it started (not a vacuous check).
          expect(maxAbsDiff(moved, probe)).toBeGreaterThan(0.05);
          expectLogDetsMatchJacobians(b, points[dim]!);
          expectLogDetsMatchJacobians(
            b,
            points[dim]!.map((v) => -1.3 * v),
          );
          tf.dispose([data, probe, moved]);
          b.dispose();
        });
      }

      it('round-trips batches with leading axes and gives one log-det per event', () => {
        const b = make(3, 1);
        const data = curvedData(128, 3, 5);
        trainBriefly(b, data, 5);
        const x = tf.reshape(curvedData(6, 3, 9), [2, 3, 3]);
        const { y, logDet } = b.forwardAndLogDet(x);
        expect(y.shape).toEqual([2, 3, 3]);
        expect(logDet.shape).toEqual([2, 3]);
        expectClose(b.inverse(y), x, { atol: 1e-4, rtol: 1e-4 });
        expectClose(b.forward(x), y, { atol: 0, rtol: 0 });
        tf.dispose([data, x, y, logDet]);
        b.dispose();
      });

      it('copies weights exactly with getWeights/setWeights', () => {
        const a = make(3, 1);
        const data = curvedData(128, 3, 5);
        trainBriefly(a, data, 5);
        const b = make(3, 2);
        const weights = a.getWeights();
        b.setWeights(weights);
        expect(Object.keys(weights)).toEqual(Object.keys(b.namedWeights()));
        // One bijector base (@gen/distributions), and a Network a trainer or model can take.
        expect(a).toBeInstanceOf(BaseBijector);
        expect(isBijector(a) && isNetwork(a)).toBe(true);
        expectClose(b.forward(data), a.forward(data), { atol: 0, rtol: 0 });
        tf.dispose([data, weights]);
        a.dispose();
        b.dispose();
      });

      it('does not leak in forward, inverse or a training step', async () => {
        const b = make(3, 3);
        const data = curvedData(64, 3, 1);
        trainBriefly(b, data, 1);
        await expectNoLeak(() => {
          const { y, logDet } = b.forwardAndLogDet(data);
          return [y, logDet, b.inverseAndLogDet(y), b.forward(data), b.inverse(y)];
        });
        await expectNoLeak(() => trainBriefly(b, data, 2));
        data.dispose();
        await expectNoLeak(() => make(2, 0).dispose());
        b.dispose();
      });

      it('rejects bad inputs with typed errors naming the method and argument', () => {
        const b = make(3, 0);
        const kind = b.constructor.name;
        const wrong = tf.zeros([4, 2]);
        expect(() => b.forward(wrong)).toThrow(ShapeMismatchError);
        expect(() => b.inverse(wrong)).toThrow(
          `${kind}.inverse: argument 'y' must have shape [..., 3], got [4, 2]`,
        );
        const ints = tf.zeros([4, 3], 'int32');
        expect(() => b.forwardAndLogDet(ints)).toThrow(InvalidArgumentError);
        expect(() => b.forward([1, 2, 3] as unknown as tf.Tensor)).toThrow(
          `${kind}.forward: argument 'x' must be a live tf.Tensor, got [1, 2, 3]`,
        );
        expect(() => make(0, 0)).toThrow(`${kind}: argument 'dim' must be an integer >= `);
        b.dispose();
        expect(() => b.inverseAndLogDet(tf.zeros([1, 3]))).toThrow(/has been disposed/);
        tf.dispose([wrong, ints]);
      });
    });
  }
});
