import { describeBackends, expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Permute } from './index.js';
import { Reverse } from './reverse.js';

describeBackends('Reverse', () => {
  it('reverses the last axis with log-det 0 and is a Permute', () => {
    const r = new Reverse(3);
    expect(r).toBeInstanceOf(Permute);
    expect(r.permutation).toEqual([2, 1, 0]);
    const x = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const { y, logDet } = r.forwardAndLogDet(x);
    expectClose(
      y,
      [
        [3, 2, 1],
        [6, 5, 4],
      ],
      { atol: 0, rtol: 0 },
    );
    expectClose(logDet, [0, 0], { atol: 0, rtol: 0 });
    expectClose(new Reverse({ dim: 3 }).inverse(y), x, { atol: 0, rtol: 0 });
    tf.dispose([x, y, logDet]);
  });

  it('has a gradient on every backend (the reversal of the upstream gradient)', () => {
    const r = new Reverse(3);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(r.inverse(x), [1, 2, 3])))(tf.zeros([2, 3]));
    expectClose(
      g,
      [
        [3, 2, 1],
        [3, 2, 1],
      ],
      { atol: 0, rtol: 0 },
    );
    g.dispose();
  });

  it('rejects bad sizes and options', () => {
    expect(() => new Reverse(0)).toThrow("Reverse: argument 'dim' must be an integer >= 1, got 0");
    expect(() => new Reverse({ dim: 2, size: 2 } as never)).toThrow(/unknown option 'size'/);
  });
});
