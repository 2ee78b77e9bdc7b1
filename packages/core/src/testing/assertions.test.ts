import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { expectClose, expectNoLeak, numericalGradient } from './assertions.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('expectClose', () => {
  it('passes within atol + rtol·|expected| and fails just outside, naming the element', () => {
    expect(() => expectClose([1, 2], [1.1, 2], { atol: 0.1 + 1e-12, rtol: 0 })).not.toThrow();
    expect(() => expectClose([1, 2], [1.2, 2], { atol: 0.1, rtol: 0 })).toThrow(
      'expectClose: element 0 is 1, expected 1.2 (atol 0.1, rtol 0)',
    );
    // rtol scales with the expected value, not the actual one: 11 > 0.1 · 100, though ≤ 0.1 · 111.
    expect(() => expectClose(109, 100, { atol: 0, rtol: 0.1 })).not.toThrow();
    expect(() => expectClose(111, 100, { atol: 0, rtol: 0.1 })).toThrow(/element 0/);
    expect(() => expectClose(1 + 1e-6, 1)).not.toThrow();
    expect(() => expectClose(1 + 1e-4, 1)).toThrow();
  });

  it('reports the worst element', () => {
    expect(() => expectClose([0, 5, 1], [0.5, 0, 0], { atol: 0.1, rtol: 0 })).toThrow(
      /element 1 is 5, expected 0/,
    );
  });

  it('fails on NaN unless equalNan, and only for NaN against NaN', () => {
    expect(() => expectClose([Number.NaN], [Number.NaN])).toThrow(/element 0 is NaN/);
    expect(() => expectClose([Number.NaN], [Number.NaN], { equalNan: true })).not.toThrow();
    expect(() => expectClose([Number.NaN], [0], { equalNan: true })).toThrow();
    expect(() => expectClose([0], [Number.NaN], { equalNan: true, atol: 1e9 })).toThrow();
  });

  it('requires infinities to match exactly', () => {
    expect(() => expectClose([Infinity, -Infinity], [Infinity, -Infinity])).not.toThrow();
    expect(() => expectClose([Infinity], [-Infinity], { atol: 1e300 })).toThrow();
    expect(() => expectClose([1e38], [Infinity], { rtol: 1 })).toThrow();
    expect(() => expectClose([Infinity], [1e38], { rtol: 1 })).toThrow();
  });

  it('fails on different shapes, even with the same number of elements', () => {
    expect(() => expectClose(tf.zeros([2, 3]), tf.zeros([3, 2]))).toThrow(
      'expectClose: shape [2,3] differs from expected [3,2]',
    );
    expect(() => expectClose([1, 2, 3], [1, 2])).toThrow(/shape/);
  });

  it('broadcasts a scalar expected value over any shape', () => {
    expect(() => expectClose(tf.fill([2, 2], 3), 3)).not.toThrow();
    expect(() => expectClose(tf.tensor2d([[3, 3.5]]), 3)).toThrow(/element 1 is 3.5/);
    expect(() => expectClose(tf.tensor2d([[3]]), 3)).not.toThrow();
    expect(() => expectClose(tf.tensor2d([[3]]), 4)).toThrow(/element 0/);
  });

  it('compares with plain numbers in float64, not rounded to float32', () => {
    const exact = { atol: 0, rtol: 0 };
    expect(() => expectClose([1 + 2 ** -30], [1], exact)).toThrow(/element 0/);
    expect(() => expectClose(tf.tensor1d([0.1]), [0.1], { atol: 0, rtol: 1e-9 })).toThrow();
    expect(() => expectClose(tf.tensor1d([0.1]), [Math.fround(0.1)], exact)).not.toThrow();
    expect(() => expectClose([0], [1e-50], { atol: 0, rtol: 0.5 })).toThrow();
    expect(() => expectClose([1e300], [1e300], exact)).not.toThrow();
    expect(() => expectClose([[1], [2, 3]], [[1], [2, 3]])).toThrow(/ragged/);
  });

  it('accepts tensors, nested arrays and booleans, and prefixes the message', () => {
    expect(() => expectClose(tf.tensor1d([1, 0], 'bool'), [true, false])).not.toThrow();
    expect(() => expectClose([[1], [2]], tf.tensor2d([[1], [2]]))).not.toThrow();
    expect(() => expectClose(1, 2, { message: 'logProb' })).toThrow(/^logProb: expectClose/);
  });
});

describe('expectNoLeak', () => {
  it('passes for tidy code and disposes what the function returns', async () => {
    const before = tf.memory().numTensors;
    await expectNoLeak(() => tf.tidy(() => tf.add(tf.ones([2]), 1)));
    await expectNoLeak(() => [tf.ones([2]), { a: tf.zeros([3]) }]);
    await expectNoLeak(async () => {
      await Promise.resolve();
      return tf.ones([1]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('throws on a deliberate leak, counting the leaked tensors', async () => {
    const leaked: tf.Tensor[] = [];
    await expect(
      expectNoLeak(() => {
        leaked.push(tf.ones([2]), tf.zeros([1]));
      }, 'leaky'),
    ).rejects.toThrow(/^leaky: 2 tensor\(s\) leaked/);
    tf.dispose(leaked);
  });

  it('passes the function’s own error through', async () => {
    await expect(
      expectNoLeak(() => {
        throw new RangeError('boom');
      }),
    ).rejects.toThrow(RangeError);
  });
});

describe('numericalGradient', () => {
  it('matches the gradient of a quadratic, 2c ∘ x, to rounding', () => {
    const c = tf.tensor2d([
      [1, 2],
      [3, 0.5],
    ]);
    const x = tf.tensor2d([
      [0.5, -1.5],
      [2, 3],
    ]);
    const h = 0.1;
    const g = numericalGradient((v) => tf.sum(tf.mul(c, tf.square(v))), x, h);
    expect(g.shape).toEqual([2, 2]);
    // Central differences are exact for quadratics; what is left is the rounding of f ≈ 21
    // (a few ulp, 2⁻²³·21 each) divided by the step.
    expectClose(
      g,
      [
        [1, -6],
        [12, 3],
      ],
      { atol: (8 * 2 ** -23 * 21) / h, rtol: 0 },
    );
    tf.dispose([c, x, g]);
  });

  it('divides by the step actually taken in float32', () => {
    // 1000 ± 1e-3 rounds to 1000 ± 9.765625e-4 in float32: dividing by 2e-3 gave 0.977.
    const x = tf.tensor1d([1000, -1000, 3]);
    const g = numericalGradient((v) => tf.sum(v), x, 1e-3);
    expectClose(g, [1, 1, 1], { atol: 1e-6, rtol: 0 });
    tf.dispose([x, g]);
  });

  it('does not leak beyond the gradient it returns', async () => {
    const x = tf.tensor1d([1, 2]);
    await expectNoLeak(() => numericalGradient((v) => tf.sum(tf.exp(v)), x));
    x.dispose();
  });
});
