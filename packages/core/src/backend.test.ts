import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend, registerGradients, useFastMatMulGradient } from './backend.js';
import { backendInfo } from './backend-info.js';
import { BackendError, GenError, InvalidArgumentError } from './errors.js';
import { expectClose } from './testing/assertions.js';
import { webgpuTestable } from './testing/backends.js';

describe('initBackend', () => {
  it("'auto' picks wasm in Node and registers every gradient", async () => {
    expect(await initBackend()).toBe('wasm');
    for (const kernel of [tf.Mean, tf.Tanh, tf.Sigmoid, tf.Exp, tf.Conv2D, tf.BatchMatMul]) {
      expect(tf.getGradient(kernel), kernel).toBeDefined();
    }
  });

  it('backendInfo says what was chosen: wasm on one thread in Node by default, cpu on one', async () => {
    await initBackend();
    expect(backendInfo()).toEqual({ name: 'wasm', threads: 1, skipped: [] });
    await initBackend('cpu');
    const info = backendInfo()!;
    expect(info).toEqual({ name: 'cpu', threads: 1, skipped: [] });
    info.skipped.push({ name: 'webgl', reason: 'changed by the caller' });
    expect(backendInfo()!.skipped).toEqual([]);
    await initBackend('wasm', { threads: 1 });
    expect(backendInfo()).toEqual({ name: 'wasm', threads: 1, skipped: [] });
  });

  it('refuses bad threads and unknown options with typed errors naming initBackend', async () => {
    for (const threads of [0, -1, 1.5, Number.NaN, '2', 'many', null]) {
      const error = await initBackend('wasm', { threads: threads as never }).catch(
        (e: unknown) => e,
      );
      expect(error, String(threads)).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(
        /^initBackend: argument 'options\.threads' must be a positive integer or 'auto', got /,
      );
    }
    await expect(initBackend('wasm', { thread: 2 } as never)).rejects.toThrow(
      /initBackend: unknown option 'thread'/,
    );
    await expect(initBackend('cpu', 4 as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    // This process started wasm on one thread; tfjs cannot grow its pool afterwards.
    await initBackend('wasm');
    const error = await initBackend('auto', { threads: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(/option 'threads' 3 cannot take effect.*1 thread/);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('switches between cpu and wasm and returns the name', async () => {
    expect(await initBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await initBackend('wasm')).toBe('wasm');
  });

  it('rejects unknown names with a typed error', async () => {
    await expect(initBackend('tpu' as never)).rejects.toThrow(
      /initBackend: argument 'name'.*"tpu"/,
    );
    await expect(initBackend('tpu' as never)).rejects.toBeInstanceOf(GenError);
  });

  it('fails for webgl in Node with a BackendError', async () => {
    await expect(initBackend('webgl')).rejects.toBeInstanceOf(BackendError);
    expect(tf.getBackend()).toBe('wasm');
  });

  it("'webgpu' in Node works with the webgpu package and a Vulkan driver, else a BackendError", async () => {
    if (webgpuTestable()) {
      expect(await initBackend('webgpu')).toBe('webgpu');
      // Reads must be asynchronous: tfjs-backend-webgpu cannot read synchronously in Node.
      const w = tf.variable(tf.zeros([2, 1]));
      const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
      const y = tf.tensor2d([5, 11, 17], [3, 1]);
      const opt = tf.train.adam(0.1);
      const losses: number[] = [];
      for (let i = 0; i < 100; i++) {
        const loss = opt.minimize(() => tf.losses.meanSquaredError(y, tf.matMul(x, w)), true)!;
        if (i % 99 === 0) losses.push((await loss.data())[0]!);
        loss.dispose();
      }
      expect(losses[1]!).toBeLessThan(losses[0]! / 10);
      opt.dispose();
      tf.dispose([w, x, y]);
    } else {
      const error = await initBackend('webgpu').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect((error as BackendError).code).toBe('BACKEND_UNAVAILABLE');
      expect((error as Error).message).toMatch(/initBackend: backend 'webgpu'.*(webgpu|Vulkan)/);
    }
    await initBackend('wasm');
  });

  it('useFastMatMulGradient toggles between the fast and the stock gradient, same values', async () => {
    await initBackend('cpu');
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tf.tensor2d([1, -1, 2, 0.5, 3, 1], [3, 2]);
    const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, false, false)));
    const fast = tf.grads(f)([a, b]);
    const fastConfig = tf.getGradient(tf.BatchMatMul);
    useFastMatMulGradient(false);
    expect(tf.getGradient(tf.BatchMatMul)).not.toBe(fastConfig);
    const stock = tf.grads(f)([a, b]);
    useFastMatMulGradient(true);
    expectClose(fast[0]!, stock[0]!);
    expectClose(fast[1]!, stock[1]!);
    tf.dispose([a, b, ...fast, ...stock]);
  });

  it('the fast BatchMatMul gradient equals the analytic gradient for every transpose flag', async () => {
    await registerGradients();
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend(backend);
      for (const [ta, tb] of [
        [false, false],
        [false, true],
        [true, false],
        [true, true],
      ] as const) {
        tf.tidy(() => {
          const a = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
          const b = tf.tensor3d([0.5, -1, 2, 3, 1, 1, -2, 0.25], [2, 2, 2]);
          const w = tf.tensor3d([1, -2, 3, 0.5, 2, 1, -1, 4], [2, 2, 2]);
          const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), w));
          const [ga, gb] = tf.grads(f)([a, b]);
          // d/dA Σ W∘(op(A)op(B)) = W op(B)ᵀ (transposed back when A is transposed).
          const t = (m: tf.Tensor) => tf.transpose(m, [0, 2, 1]);
          const opA = ta ? t(a) : a;
          const opB = tb ? t(b) : b;
          const dOpA = tf.matMul(w, t(opB));
          const dOpB = tf.matMul(t(opA), w);
          expectClose(ga!, ta ? t(dOpA) : dOpA);
          expectClose(gb!, tb ? t(dOpB) : dOpB);
        });
      }
    }
  });

  it('trains a tiny regression with optimizer.minimize on wasm', async () => {
    await initBackend('wasm');
    const w = tf.variable(tf.zeros([2, 1]));
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const y = tf.tensor2d([5, 11, 17], [3, 1]);
    const opt = tf.train.adam(0.1);
    const losses: number[] = [];
    const before = tf.memory().numTensors;
    for (let i = 0; i < 200; i++) {
      const loss = tf.tidy(
        () => opt.minimize(() => tf.losses.meanSquaredError(y, tf.matMul(x, w)), true)!,
      );
      if (i % 50 === 0) losses.push((await loss.data())[0]!);
      loss.dispose();
      if (i === 1) expect(tf.memory().numTensors).toBeGreaterThan(before);
    }
    expect(losses[3]!).toBeLessThan(losses[0]! / 10);
    const steady = tf.memory().numTensors;
    tf.tidy(() => {
      opt.minimize(() => tf.losses.meanSquaredError(y, tf.matMul(x, w)));
    });
    expect(tf.memory().numTensors).toBe(steady);
    opt.dispose();
    tf.dispose([w, x, y]);
  });
});
