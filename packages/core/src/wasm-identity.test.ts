import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { expectNoLeak } from './testing/assertions.js';

interface WasmInternals {
  getMemoryOffset(dataId: object): number;
  numDataIds(): number;
}

describe('Identity on wasm shares the buffer', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  }, 120_000);

  const backend = () => tf.backend() as unknown as WasmInternals;

  it('a clone reads the same memory and outlives its source', () => {
    const ids = backend().numDataIds();
    const x = tf.tensor2d([
      [1, 2],
      [3, Number.NaN],
    ]);
    const copy = tf.clone(x);
    expect(backend().getMemoryOffset(copy.dataId)).toBe(backend().getMemoryOffset(x.dataId));
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3, Number.NaN]);
    copy.dispose();
    expect(backend().numDataIds()).toBe(ids);
  });

  it("the tape's saved inputs keep gradients right after the forward's tensors are gone", () => {
    const x = tf.tensor1d([0.5, -1, 2]);
    const grad = tf.grad((v: tf.Tensor) => tf.tidy(() => tf.sum(tf.mul(tf.exp(v), v))))(x);
    const expected = [0.5, -1, 2].map((t) => Math.fround(Math.exp(t) * (1 + t)));
    const got = Array.from(grad.dataSync());
    for (const [i, g] of got.entries()) expect(g).toBeCloseTo(expected[i]!, 5);
    tf.dispose([x, grad]);
  });

  it('strings keep the copying kernel; nothing leaks', async () => {
    const s = tf.tensor1d(['a', 'b'], 'string');
    const copy = tf.clone(s);
    s.dispose();
    expect(await copy.array()).toEqual(['a', 'b']);
    copy.dispose();
    const x = tf.ones([3]);
    await expectNoLeak(() => tf.clone(x).dispose());
    x.dispose();
  });
});
