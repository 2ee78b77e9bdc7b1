import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { stopGradient } from './stop-gradient.js';
import { expectClose, expectNoLeak } from './testing/assertions.js';
import { describeBackends } from './testing/backends.js';

const exact = { atol: 0, rtol: 0 };

describeBackends('stopGradient', () => {
  it('returns a new tensor with the same values, shape and dtype', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([
        [1.5, -2],
        [0, 3e7],
      ]);
      const y = stopGradient(x);
      expect(y).not.toBe(x);
      expectClose(y, x, exact);
      const ints = stopGradient(tf.tensor1d([1, -2, 3], 'int32'));
      expect(ints.dtype).toBe('int32');
      expect(Array.from(ints.dataSync())).toEqual([1, -2, 3]);
    });
  });

  it('survives the disposal of its input and vice versa', () => {
    const x = tf.tensor1d([1, 2]);
    const y = stopGradient(x);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2]);
    y.dispose();
  });

  it('has a zero gradient: d/dx [x · stopGradient(x)] = x, not 2x', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([3, -2, 0.5]);
      expectClose(
        tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, stopGradient(v))))(x),
        [3, -2, 0.5],
        exact,
      );
      expectClose(tf.grad((v: tf.Tensor) => tf.sum(stopGradient(v)))(x), [0, 0, 0], exact);
    });
  });

  it('gives straight-through estimators: round(x) forward, identity backward', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([0.2, 1.7, -2.6]);
      const straightThrough = (v: tf.Tensor) => tf.add(v, stopGradient(tf.sub(tf.round(v), v)));
      expectClose(straightThrough(x), [0, 2, -3], exact);
      expectClose(tf.grad((v: tf.Tensor) => tf.sum(straightThrough(v)))(x), [1, 1, 1], exact);
    });
  });

  it('stays constant under second derivatives: d²/dx² [x² · stopGradient(x)] = 2x', () => {
    tf.tidy(() => {
      const f = (v: tf.Tensor) => tf.sum(tf.mul(tf.square(v), stopGradient(v)));
      expectClose(tf.grad(tf.grad(f))(tf.tensor1d([3, -0.5])), [6, -1], exact);
    });
  });

  it('does not leak, also under tf.grad', async () => {
    const x = tf.tensor1d([1, 2, 3]);
    await expectNoLeak(() => stopGradient(x));
    await expectNoLeak(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, stopGradient(v))))(x));
    x.dispose();
  });
});
