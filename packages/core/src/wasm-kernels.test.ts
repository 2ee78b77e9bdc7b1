import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { expectNoLeak } from './testing/assertions.js';

describe('kernels tfjs-backend-wasm lacks', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('unsortedSegmentSum sums rows into segments, dropping out-of-range ids, like TensorFlow', () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    const out = tf.unsortedSegmentSum(x, tf.tensor1d([2, 0, 2, 5], 'int32'), 3);
    expect(out.shape).toEqual([3, 2]);
    expect(Array.from(out.dataSync())).toEqual([3, 4, 0, 0, 6, 8]);
    const ints = tf.unsortedSegmentSum(
      tf.tensor1d([1, 2, 3], 'int32'),
      tf.tensor1d([1, 1, 0], 'int32'),
      2,
    );
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.dataSync())).toEqual([3, 3]);
    tf.dispose([x, out, ints]);
  });

  it('so the gradient of tf.gather works: repeated indices accumulate', () => {
    const x = tf.tensor1d([10, 20, 30]);
    const weights = tf.tensor1d([1, 2, 4, 8]);
    const grad = tf.grad((v: tf.Tensor) =>
      tf.sum(tf.mul(tf.gather(v, tf.tensor1d([2, 0, 2, 1], 'int32')), weights)),
    )(x);
    expect(Array.from(grad.dataSync())).toEqual([2, 8, 5]);
    tf.dispose([x, weights, grad]);
  });

  it('leaks nothing', async () => {
    const x = tf.tensor2d([[1], [2]]);
    const ids = tf.tensor1d([1, 0], 'int32');
    await expectNoLeak(() => tf.tidy(() => tf.unsortedSegmentSum(x, ids, 2)).dispose());
    tf.dispose([x, ids]);
  });
});
