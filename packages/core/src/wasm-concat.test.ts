import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { Rng } from './rng.js';
import { expectNoLeak } from './testing/assertions.js';
import { randomValues, resultOn } from './testing/host-kernel-oracle.js';

type Case = { shapes: number[][]; dtype: 'float32' | 'int32' | 'bool'; axis: number };

function concatOn(backend: 'cpu' | 'wasm', c: Case, values: number[][]) {
  return resultOn(backend, () =>
    tf.concat(
      c.shapes.map((shape, i) => tf.tensor(values[i]!, shape, c.dtype)),
      c.axis,
    ),
  );
}

describe('Concat on wasm (direct heap copies)', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    await initBackend('wasm');
  }, 120_000);

  const rng = Rng.fromSeed(11);
  const cases: Case[] = [
    {
      shapes: [
        [256, 1],
        [256, 1],
      ],
      dtype: 'float32',
      axis: -1,
    },
    {
      shapes: [
        [7, 10],
        [7, 1],
        [7, 40],
      ],
      dtype: 'float32',
      axis: 1,
    },
    {
      shapes: [
        [3, 4],
        [5, 4],
      ],
      dtype: 'int32',
      axis: 0,
    },
    {
      shapes: [
        [2, 3, 4],
        [2, 2, 4],
        [2, 0, 4],
      ],
      dtype: 'float32',
      axis: 1,
    },
    {
      shapes: [
        [2, 3],
        [2, 3],
      ],
      dtype: 'bool',
      axis: 1,
    },
    {
      shapes: [
        [4, 2, 17],
        [4, 2, 3],
      ],
      dtype: 'int32',
      axis: 2,
    },
    { shapes: [[6], [0]], dtype: 'float32', axis: 0 },
  ];
  it.each(cases.map((c, i) => [i, c] as const))(
    'case %i equals tfjs-backend-cpu',
    async (_i, c) => {
      const values = c.shapes.map((shape) =>
        randomValues(
          rng,
          shape.reduce((a, b) => a * b, 1),
          c.dtype,
        ),
      );
      expect(await concatOn('wasm', c, values)).toEqual(await concatOn('cpu', c, values));
    },
  );

  it("keeps NaN's and signed zeros' bits in short runs", async () => {
    await tf.setBackend('wasm');
    const a = tf.tensor2d([[Number.NaN], [-0]]);
    const b = tf.tensor2d([[1], [Number.NEGATIVE_INFINITY]]);
    const out = tf.concat([a, b], 1);
    const v = out.dataSync();
    expect(Number.isNaN(v[0])).toBe(true);
    expect(Object.is(v[2], -0)).toBe(true);
    expect([v[1], v[3]]).toEqual([1, Number.NEGATIVE_INFINITY]);
    tf.dispose([a, b, out]);
  });

  it('keeps its gradient and leaks nothing', async () => {
    await tf.setBackend('wasm');
    const a = tf.tensor2d([[1], [2]]);
    const b = tf.tensor2d([
      [3, 4],
      [5, 6],
    ]);
    const w = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.mul(tf.concat([x, y], 1), w)),
    )([a, b]);
    expect(Array.from(ga!.dataSync())).toEqual([1, 4]);
    expect(Array.from(gb!.dataSync())).toEqual([2, 3, 5, 6]);
    await expectNoLeak(() => tf.tidy(() => tf.concat([a, b], 1)).dispose());
    tf.dispose([a, b, w, ga!, gb!]);
  });
});
