import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { Rng } from './rng.js';
import { expectNoLeak } from './testing/assertions.js';
import { randomValues, resultOn } from './testing/host-kernel-oracle.js';

type Case = {
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  indices: number[];
  indicesShape: number[];
  axis: number;
  batchDims?: number;
};

function gatherOn(backend: 'cpu' | 'wasm', c: Case, values: number[]) {
  return resultOn(backend, () =>
    tf.gather(
      tf.tensor(values, c.shape, c.dtype),
      tf.tensor(c.indices, c.indicesShape, 'int32'),
      c.axis,
      c.batchDims ?? 0,
    ),
  );
}

describe('GatherV2 on wasm (contiguous copies)', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    await initBackend('wasm');
  }, 120_000);

  const rng = Rng.fromSeed(7);
  const cases: Case[] = [
    { shape: [6, 5], dtype: 'float32', indices: [5, 0, 0, 3], indicesShape: [4], axis: 0 },
    { shape: [4, 3, 2], dtype: 'float32', indices: [2, 1, 2], indicesShape: [3], axis: 1 },
    { shape: [4, 3, 2], dtype: 'int32', indices: [1, 0, 1, 1], indicesShape: [2, 2], axis: -1 },
    { shape: [3, 4], dtype: 'bool', indices: [3, 3, 0], indicesShape: [3], axis: 1 },
    { shape: [5], dtype: 'float32', indices: [], indicesShape: [0], axis: 0 },
    {
      shape: [2, 3, 4],
      dtype: 'float32',
      indices: [0, 2, 1, 0],
      indicesShape: [2, 2],
      axis: 1,
      batchDims: 1,
    },
    {
      shape: [128, 784],
      dtype: 'float32',
      indices: [127, 3, 64, 3, 0],
      indicesShape: [5],
      axis: 0,
    },
  ];
  it.each(cases.map((c, i) => [i, c] as const))(
    'case %i equals tfjs-backend-cpu',
    async (_i, c) => {
      const size = c.shape.reduce((a, b) => a * b, 1);
      const values = randomValues(rng, size, c.dtype);
      const expected = await gatherOn('cpu', c, values);
      const got = await gatherOn('wasm', c, values);
      expect(got).toEqual(expected);
    },
  );

  it("keeps NaN's and signed zeros' bits (a byte copy)", async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor1d([Number.NaN, -0, Number.POSITIVE_INFINITY]);
    const out = tf.gather(x, tf.tensor1d([2, 1, 0], 'int32'));
    const v = out.dataSync();
    expect(Number.isNaN(v[2])).toBe(true);
    expect(Object.is(v[1], -0)).toBe(true);
    expect(v[0]).toBe(Number.POSITIVE_INFINITY);
    tf.dispose([x, out]);
  });

  it('leaves the gradient (UnsortedSegmentSum) as it was and leaks nothing', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const ids = tf.tensor1d([2, 2, 0], 'int32');
    const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.gather(v, ids)))(x);
    expect(Array.from(grad.dataSync())).toEqual([1, 1, 0, 0, 2, 2]);
    await expectNoLeak(() => tf.tidy(() => tf.gather(x, ids)).dispose());
    tf.dispose([x, ids, grad]);
  });
});
