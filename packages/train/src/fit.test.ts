import { initBackend, Rng } from '@gen/core';
import { expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FnModel, GaussianModel } from '../test/models.js';
import { fit } from './fit.js';
import { cosineDecay, linearWarmup } from './schedules.js';
import type { Callback } from './types.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** Rows 0, 1, …, n−1 as an [n, 1] dataset, so each batch shows which rows it holds. */
const rows = (n: number) => tf.tensor2d(Array.from({ length: n }, (_, i) => [i]));
/** A model whose loss ignores w's value but records its batches (gradient −1 for w). */
const recorder = () =>
  new FnModel([0], (w, batch) => tf.add(tf.neg(tf.sum(w)), tf.mul(0, tf.sum(batch))));

describe('fit: maximum likelihood oracle', () => {
  it('converges to the sample mean and the population standard deviation (the Gaussian MLE)', async () => {
    const data = tf.tidy(() => tf.add(Rng.fromSeed(1).normal([400, 2]), tf.tensor1d([2, -1])));
    const model = new GaussianModel(2);
    const result = await fit(model, data, {
      steps: 500,
      batchSize: 400,
      learningRate: linearWarmup(cosineDecay({ initial: 0.1, steps: 450 }), { steps: 50 }),
    });
    const { mean, variance } = tf.moments(data, 0);
    // Float32 sums over 400 rows round at ~1e-6 relative; Adam with the learning rate annealed
    // to 0 lands within that of the optimum.
    expectClose(model.mean, mean, { atol: 2e-5, rtol: 0 });
    expectClose(tf.exp(model.logScale), tf.sqrt(variance), { atol: 2e-5, rtol: 0 });
    expect(result).toMatchObject({ step: 500, epoch: 500, stopReason: 'completed' });
    expect(result.history.map((h) => h.step)).toEqual(
      Array.from({ length: 50 }, (_, i) => 10 * (i + 1)),
    );
    tf.dispose([data, mean, variance]);
    model.dispose();
  });

  it('records the mean loss since the previous row (a frozen model: every step has loss(x))', async () => {
    const data = Rng.fromSeed(2).normal([64, 3]);
    const model = new GaussianModel(3, { mean: 0.5, logScale: 0.2 });
    const expected = (await model.loss(data).data())[0]!;
    const { history } = await fit(model, data, {
      steps: 25,
      batchSize: 64,
      optimizer: tf.train.sgd(0),
      logEvery: 10,
    });
    expect(history.map((h) => h.step)).toEqual([10, 20, 25]);
    for (const row of history) expectClose(row.loss!, expected, { atol: 1e-6, rtol: 1e-6 });
    data.dispose();
    model.dispose();
  });

  it('uses Adam with ε = 1e-7 by default: bitwise the same as an explicit tf.train.adam', async () => {
    const data = Rng.fromSeed(3).normal([32, 2]);
    const a = new GaussianModel(2);
    const b = new GaussianModel(2);
    await fit(a, data, { steps: 30, batchSize: 8 });
    const adam = tf.train.adam(1e-3, 0.9, 0.999, 1e-7);
    await fit(b, data, { steps: 30, batchSize: 8, optimizer: adam });
    expect(await a.mean.data()).toEqual(await b.mean.data());
    expect(await a.logScale.data()).toEqual(await b.logScale.data());
    data.dispose();
    adam.dispose();
    a.dispose();
    b.dispose();
  });
});

describe('fit: batches and epochs', () => {
  it('visits every row once per epoch in a fresh Rng order; the last batch holds the rest', async () => {
    const x = rows(25);
    const model = recorder();
    const result = await fit(model, x, { epochs: 3, batchSize: 10, optimizer: tf.train.sgd(0.1) });
    expect(result).toMatchObject({ step: 9, epoch: 3, stopReason: 'completed' });
    expect(model.batches.map((b) => b.length)).toEqual([10, 10, 5, 10, 10, 5, 10, 10, 5]);
    const epochs = [0, 1, 2].map((e) => model.batches.slice(3 * e, 3 * e + 3).flat());
    for (const e of epochs) expect([...e].sort((a, b) => a - b)).toEqual([...Array(25).keys()]);
    expect(epochs[0]).not.toEqual(epochs[1]);
    expect(epochs[0]).not.toEqual([...Array(25).keys()]);
    // Same Rng, same order; another seed, another order.
    const again = recorder();
    await fit(again, x, { epochs: 3, batchSize: 10, optimizer: tf.train.sgd(0.1) });
    expect(again.batches).toEqual(model.batches);
    const other = recorder();
    await fit(other, x, {
      epochs: 1,
      batchSize: 10,
      rng: Rng.fromSeed(5),
      optimizer: tf.train.sgd(0.1),
    });
    expect(other.batches.flat()).not.toEqual(epochs[0]);
    tf.dispose(x);
    for (const m of [model, again, other]) m.dispose();
  });

  it('keeps the row order with shuffle: false', async () => {
    const x = rows(7);
    const model = recorder();
    await fit(model, x, { steps: 5, batchSize: 3, shuffle: false, optimizer: tf.train.sgd(1) });
    expect(model.batches).toEqual([[0, 1, 2], [3, 4, 5], [6], [0, 1, 2], [3, 4, 5]]);
    x.dispose();
    model.dispose();
  });

  it('takes batches from an iterable, disposes them, and re-iterates it per epoch', async () => {
    const batches = [tf.tensor2d([[1], [2]]), tf.tensor2d([[3]]), tf.tensor2d([[4], [5]])];
    const model = recorder();
    const copies = {
      *[Symbol.iterator]() {
        for (const b of batches) yield tf.clone(b);
      },
    };
    const optimizer = tf.train.sgd(1);
    const before = tf.memory().numTensors;
    const result = await fit(model, copies, { epochs: 2, optimizer });
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    expect(result).toMatchObject({ step: 6, epoch: 2, stopReason: 'completed' });
    expect(model.batches).toEqual([[1, 2], [3], [4, 5], [1, 2], [3], [4, 5]]);
    tf.dispose(batches);
    model.dispose();
  });

  it('stops with data-exhausted when a one-shot (async) iterator runs out before `steps`', async () => {
    async function* three() {
      for (let i = 0; i < 3; i++) yield tf.fill([2, 1], i);
    }
    const model = recorder();
    const result = await fit(model, three(), { steps: 10, optimizer: tf.train.sgd(1) });
    expect(result).toMatchObject({ step: 3, epoch: 1, stopReason: 'data-exhausted' });
    expect(result.history.at(-1)?.step).toBe(3);
    model.dispose();
  });
});

describe('fit: optimisation options', () => {
  // Gaussian at μ = 0, s = 0 on data x: ∂L/∂μ = −mean(x), ∂L/∂s = 1 − mean(x²) per dimension.
  const data = [
    [3, 4],
    [5, 8],
  ];
  const grads = { mean: [-4, -6], logScale: [1 - 17, 1 - 40] };

  it('clips by global norm: one SGD(1) step moves by −g · c / max(‖g‖, c)', async () => {
    const x = tf.tensor2d(data);
    const model = new GaussianModel(2);
    await fit(model, x, { steps: 1, batchSize: 2, optimizer: tf.train.sgd(1), clipNorm: 2 });
    const norm = Math.hypot(...grads.mean, ...grads.logScale);
    expectClose(
      model.mean,
      grads.mean.map((g) => (-g * 2) / norm),
      { atol: 1e-6, rtol: 1e-5 },
    );
    expectClose(
      model.logScale,
      grads.logScale.map((g) => (-g * 2) / norm),
      { atol: 1e-6, rtol: 1e-5 },
    );
    x.dispose();
    model.dispose();
  });

  it('clips by value: every gradient element to [−c, c]', async () => {
    const x = tf.tensor2d(data);
    const model = new GaussianModel(2);
    await fit(model, x, { steps: 1, batchSize: 2, optimizer: tf.train.sgd(1), clipValue: 5 });
    expectClose(model.mean, [4, 5], { atol: 1e-6, rtol: 0 });
    expectClose(model.logScale, [5, 5], { atol: 1e-6, rtol: 0 });
    x.dispose();
    model.dispose();
  });

  it('sets the learning rate of any optimiser from a schedule before every step', async () => {
    // L = −Σw has gradient −1, so SGD gives w_T = Σ_{t<T} lr(t).
    const x = rows(4);
    const lr = cosineDecay({ initial: 0.5, steps: 6, final: 0.1 });
    for (const optimizer of [tf.train.sgd(123), tf.train.momentum(123, 0)]) {
      const model = recorder();
      await fit(model, x, { steps: 9, batchSize: 2, optimizer, learningRate: lr });
      const expected = Array.from({ length: 9 }, (_, t) => lr(t)).reduce((a, b) => a + b);
      expectClose(model.w, [expected], { atol: 1e-6, rtol: 1e-6 });
      model.dispose();
      optimizer.dispose();
    }
    x.dispose();
  });

  it('evaluates held-out data every `every` steps, in chunks or at once', async () => {
    const x = Rng.fromSeed(4).normal([16, 2]);
    const held = Rng.fromSeed(5).normal([10, 2], 1);
    const model = new GaussianModel(2, { mean: 0.3, logScale: -0.1 });
    const expected = (await model.loss(held).data())[0]!;
    for (const batchSize of [undefined, 3]) {
      const validation =
        batchSize === undefined ? { data: held, every: 4 } : { data: held, every: 4, batchSize };
      const { history } = await fit(model, x, {
        steps: 12,
        batchSize: 4,
        optimizer: tf.train.sgd(0),
        logEvery: 3,
        validation,
      });
      expect(history.map((h) => h.step)).toEqual([3, 4, 6, 8, 9, 12]);
      expect(history.filter((h) => h.validationLoss !== undefined).map((h) => h.step)).toEqual([
        4, 8, 12,
      ]);
      for (const h of history.filter((r) => r.validationLoss !== undefined)) {
        expectClose(h.validationLoss!, expected, { atol: 1e-6, rtol: 1e-6 });
      }
    }
    tf.dispose([x, held]);
    model.dispose();
  });
});

describe('fit: callbacks and abort', () => {
  it('calls onTrainBegin, onStepEnd, onEpochEnd and onTrainEnd in order with live events', async () => {
    const x = rows(6);
    const model = recorder();
    const calls: string[] = [];
    const spy: Callback = {
      onTrainBegin: (e) => void calls.push(`begin ${e.step}/${e.totalSteps}`),
      onStepEnd: (e) => void calls.push(`step ${e.step} epoch ${e.epoch}${e.logs ? ' logs' : ''}`),
      onEpochEnd: async (e) => void calls.push(`epoch-end ${e.epoch}`),
      onTrainEnd: (e) => void calls.push(`end ${e.stopReason} ${e.history.length}`),
    };
    await fit(model, x, {
      epochs: 2,
      batchSize: 4,
      logEvery: 3,
      callbacks: [spy],
      optimizer: tf.train.sgd(1),
    });
    expect(calls).toEqual([
      'begin 0/4',
      'step 1 epoch 0',
      'step 2 epoch 1',
      'epoch-end 1',
      'step 3 epoch 1 logs',
      'step 4 epoch 2 logs',
      'epoch-end 2',
      'end completed 2',
    ]);
    x.dispose();
    model.dispose();
  });

  it('stops at the next step boundary on abort and resolves with what it has', async () => {
    const x = rows(8);
    const model = recorder();
    const controller = new AbortController();
    const abortAt7: Callback = { onStepEnd: ({ step }) => void (step === 7 && controller.abort()) };
    const result = await fit(model, x, {
      steps: 100,
      batchSize: 2,
      signal: controller.signal,
      callbacks: [abortAt7],
      optimizer: tf.train.sgd(1),
    });
    expect(result).toMatchObject({ step: 7, epoch: 1, stopReason: 'aborted' });
    expect(result.history.map((h) => h.step)).toEqual([7]);
    expectClose(model.w, [7], { atol: 0, rtol: 0 });
    const early = await fit(model, x, { steps: 5, signal: AbortSignal.abort() });
    expect(early).toMatchObject({ step: 0, stopReason: 'aborted', history: [] });
    x.dispose();
    model.dispose();
  });

  it('lets a callback stop the run with its own reason', async () => {
    const x = rows(4);
    const model = recorder();
    const stopAt3: Callback = { onStepEnd: ({ step, stop }) => void (step === 3 && stop()) };
    const result = await fit(model, x, {
      steps: 10,
      callbacks: [stopAt3],
      optimizer: tf.train.sgd(1),
    });
    expect(result).toMatchObject({ step: 3, stopReason: 'callback' });
    x.dispose();
    model.dispose();
  });
});
