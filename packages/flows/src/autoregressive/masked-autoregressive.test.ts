import { InvalidArgumentError } from '@gen/core';
import { describeBackends, expectClose } from '@gen/core/testing';
import type { MadeNetwork } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { curvedData, logAbsDet, numericalJacobian, trainBriefly } from '../../test/support.js';
import { MaskedAutoregressive } from './masked-autoregressive.js';

const net = { hiddenSizes: [12, 12], activation: 'tanh' as const };

describeBackends('MaskedAutoregressive', () => {
  for (const direction of ['maf', 'iaf'] as const) {
    it(`${direction}: the Jacobian is triangular in a random ordering, both ways`, () => {
      const b = new MaskedAutoregressive({
        dim: 3,
        direction,
        ordering: 'random',
        seed: 4,
        ...net,
      });
      const data = curvedData(128, 3, 2);
      trainBriefly(b, data, 10);
      const position = (b.conditioner as MadeNetwork).ordering;
      const x = [0.4, -0.2, 0.9];
      for (const f of [(v: tf.Tensor) => b.forward(v), (v: tf.Tensor) => b.inverse(v)]) {
        const jac = numericalJacobian(f, x);
        jac.forEach((row, i) => {
          row.forEach((entry, j) => {
            // Output i may depend on input j only when j comes no later in the ordering.
            if (position[j]! > position[i]!) expect(entry).toBe(0);
            if (i === j) expect(Math.abs(entry)).toBeGreaterThan(0);
          });
        });
        // Training made the layer depend on earlier coordinates (not only on its own).
        const below = jac.flatMap((row, i) => row.filter((_, j) => position[j]! < position[i]!));
        expect(Math.max(...below.map(Math.abs))).toBeGreaterThan(1e-2);
      }
      data.dispose();
      b.dispose();
    });
  }

  it('works in one dimension, where MADE has only biases', () => {
    const b = new MaskedAutoregressive({ dim: 1, seed: 0, ...net });
    const data = tf.tidy(() => tf.add(tf.mul(curvedData(64, 1, 3), 3), 1));
    trainBriefly(b, data, 20, 0.1);
    const { y, logDet } = b.forwardAndLogDet(tf.tensor1d([0.5]));
    expectClose(logDet, logAbsDet(numericalJacobian((v) => b.forward(v), [0.5])), {
      atol: 2e-3,
      rtol: 0,
    });
    // The fit is an affine map towards the data's scale 3·0.7 = 2.1 (log-det → log 2.1 = 0.74).
    expect(logDet.dataSync()[0]!).toBeGreaterThan(0.3);
    tf.dispose([data, y, logDet]);
    b.dispose();
  });

  it('rejects unknown directions and orderings', () => {
    expect(() => new MaskedAutoregressive({ dim: 2, direction: 'up' as never })).toThrow(
      "MaskedAutoregressive: argument 'direction' must be one of 'maf', 'iaf', got \"up\"",
    );
    expect(() => new MaskedAutoregressive({ dim: 2, ordering: 'sorted' as never })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new MaskedAutoregressive({ dim: 2, ordering: [0, 0] })).toThrow(
      "MaskedAutoregressive: argument 'ordering' must be 'natural', 'reverse', 'random' or a permutation of 0..1, got [0, 0]",
    );
    expect(() => new MaskedAutoregressive({ dim: 2, scale: 'exp' as never })).toThrow(
      /argument 'scale'/,
    );
    expect(() => new MaskedAutoregressive({ dim: 2, hidden: [4] } as never)).toThrow(
      /unknown option 'hidden'/,
    );
  });
});
