import { initBackend, Rng } from '@gen/core';
import { expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { convOutputSize, filterGradient, type Padding, toPair } from './conv-ops.js';

// The cpu backend has a native Conv2DBackpropFilter: the reference for the dilated-conv form
// that Conv2d and Conv2dTranspose use where a backend lacks it (wasm).
beforeAll(() => initBackend('cpu'));

describe('filterGradient', () => {
  const cases: [number[], number[], number, Padding][] = [
    [[2, 5, 5, 2], [3, 3, 2, 3], 1, 'same'],
    [[2, 5, 5, 2], [3, 3, 2, 3], 1, 'valid'],
    [[1, 7, 6, 3], [3, 3, 3, 2], 2, 'same'],
    [[1, 7, 6, 3], [3, 3, 3, 2], 2, 'valid'],
    [[3, 8, 9, 1], [4, 2, 1, 2], 3, 'same'],
    [[3, 8, 9, 1], [4, 2, 1, 2], 3, 'valid'],
    [[1, 6, 6, 2], [2, 2, 2, 2], 2, 'valid'],
  ];

  for (const [xShape, wShape, stride, padding] of cases) {
    it(`equals tfjs's gradient for x ${xShape}, W ${wShape}, stride ${stride}, ${padding}`, () => {
      const rng = Rng.fromSeed(1);
      const x = rng.normal(xShape) as tf.Tensor4D;
      const w = rng.normal(wShape) as tf.Tensor4D;
      const outShape = [
        xShape[0]!,
        convOutputSize(xShape[1]!, wShape[0]!, stride, padding),
        convOutputSize(xShape[2]!, wShape[1]!, stride, padding),
        wShape[3]!,
      ];
      const dy = rng.normal(outShape) as tf.Tensor4D;
      const native = tf.grad((k) =>
        tf.sum(tf.mul(tf.conv2d(x, k as tf.Tensor4D, stride, padding), dy)),
      )(w);
      const ours = filterGradient(x, dy, wShape, [stride, stride], padding);
      expect(ours.shape).toEqual(wShape);
      expectClose(ours, native, { atol: 1e-4, rtol: 1e-4 });
      tf.dispose([x, w, dy, native, ours]);
    });
  }
});

describe('conv geometry', () => {
  it('convOutputSize follows TensorFlow', () => {
    expect(convOutputSize(7, 3, 2, 'same')).toBe(4);
    expect(convOutputSize(7, 3, 2, 'valid')).toBe(3);
    expect(convOutputSize(8, 3, 2, 'valid')).toBe(3);
    expect(convOutputSize(5, 5, 1, 'valid')).toBe(1);
  });

  it('toPair accepts an integer or a pair and names the argument otherwise', () => {
    expect(toPair('f', 'k', 3)).toEqual([3, 3]);
    expect(toPair('f', 'k', [2, 5])).toEqual([2, 5]);
    expect(() => toPair('f', 'k', 0)).toThrow(
      "f: argument 'k' must be an integer >= 1 or a pair of them, got 0",
    );
    expect(() => toPair('f', 'k', [2, 0])).toThrow(/argument 'k\[1\]'/);
  });
});
