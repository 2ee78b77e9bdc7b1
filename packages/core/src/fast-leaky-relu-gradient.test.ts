import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { Rng } from './rng.js';
import { expectNoLeak } from './testing/assertions.js';

const ALPHA = 0.2;

describe.each(['cpu', 'wasm'] as const)(
  'LeakyRelu gradient as dy · step(x, α) on %s',
  (backend) => {
    beforeAll(async () => {
      await initBackend(backend);
    }, 120_000);

    const rng = Rng.fromSeed(3);
    const xs = [0, -0, 1e-30, -1e-30, ...Array.from({ length: 60 }, () => rng.float() * 8 - 4)];
    const dys = xs.map(() => rng.float() * 2 - 1);

    it("equals tfjs's where(x > 0, dy, α·dy) bit for bit, zeros included", async () => {
      await tf.setBackend(backend);
      const x = tf.tensor1d(xs);
      const dy = tf.tensor1d(dys);
      const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(v, ALPHA), dy)))(x);
      const stock = tf.where(tf.greater(x, 0), dy, tf.mul(dy, ALPHA));
      expect(Array.from(await grad.data())).toEqual(Array.from(await stock.data()));
      tf.dispose([x, dy, grad, stock]);
    });

    it('keeps second derivatives: d/dv of ∂/∂x Σ v·leaky(x) is step(x, α), d/dx of it is 0', async () => {
      await tf.setBackend(backend);
      const x = tf.tensor1d(xs);
      const v = tf.tensor1d(dys);
      const inner = (a: tf.Tensor, b: tf.Tensor) =>
        tf.grad((u: tf.Tensor) => tf.sum(tf.mul(b, tf.leakyRelu(u, ALPHA))))(a);
      const byV = tf.grad((b: tf.Tensor) => tf.sum(inner(x, b)))(v);
      const byX = tf.grad((a: tf.Tensor) => tf.sum(tf.square(inner(a, v))))(x);
      expect(Array.from(await byV.data())).toEqual(xs.map((t) => (t > 0 ? 1 : Math.fround(ALPHA))));
      expect(Array.from(await byX.data())).toEqual(xs.map(() => 0));
      tf.dispose([x, v, byV, byX]);
    });

    it('runs Step instead of Greater and leaks nothing', async () => {
      await tf.setBackend(backend);
      const x = tf.tensor1d(xs);
      const f = () => tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(tf.leakyRelu(v, ALPHA)))(x));
      const info = await tf.profile(() => f());
      const names = info.kernels.map((k) => k.name);
      expect(names).toContain('Step');
      expect(names).not.toContain('Greater');
      await expectNoLeak(() => f().dispose());
      x.dispose();
    });
  },
);
