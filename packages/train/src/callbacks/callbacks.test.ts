import { InvalidArgumentError, initBackend } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { QuadraticGame } from '../../test/games.js';
import { FnModel, GaussianModel } from '../../test/models.js';
import { fit } from '../fit.js';
import { fitAdversarial } from '../fit-adversarial.js';
import type { Callback } from '../types.js';
import { earlyStopping } from './early-stopping.js';
import { learningRateScheduler } from './learning-rate-scheduler.js';
import { formatEntry, progress } from './progress.js';
import { recordHistory } from './record-history.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('progress', () => {
  it('prints the rows whose step is a multiple of `every`, then how the run ended', async () => {
    const x = tf.tensor2d([[1], [2], [3], [4]]);
    const model = new GaussianModel(1);
    const lines: string[] = [];
    await fit(model, x, {
      steps: 8,
      batchSize: 2,
      logEvery: 2,
      callbacks: [progress({ every: 4, print: (l) => lines.push(l) })],
    });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^step 4\/8 {2}epoch 2 {2}loss \d+\.\d{4}$/);
    expect(lines[1]).toMatch(/^step 8\/8 {2}epoch 4 {2}loss /);
    expect(lines[2]).toBe('fit: completed at step 8 (epoch 4)');
    x.dispose();
    model.dispose();
  });

  it('formats tiny and huge values in exponent notation', () => {
    expect(formatEntry({ step: 3, epoch: 0, loss: 1.23456, a: 2e-5, b: 12345 }, undefined)).toBe(
      'step 3  epoch 0  loss 1.2346  a 2.000e-5  b 1.235e+4',
    );
    expect(() => progress({ every: 0 })).toThrow(
      "progress: argument 'every' must be an integer >= 1, got 0",
    );
  });
});

describe('recordHistory', () => {
  it('fills with the rows as they come, starting from those of a resumed run', async () => {
    const x = tf.tensor2d([[1], [2], [3]]);
    const model = new GaussianModel(1);
    const recorder = recordHistory();
    const seen: number[] = [];
    const watch: Callback = { onStepEnd: () => void seen.push(recorder.entries.length) };
    const result = await fit(model, x, { steps: 6, logEvery: 2, callbacks: [recorder, watch] });
    expect(seen).toEqual([0, 1, 1, 2, 2, 3]);
    expect(recorder.entries).toEqual(result.history);
    x.dispose();
    model.dispose();
  });
});

describe('recordHistory after an abort', () => {
  it('ends with the row the abort read last, so entries equal the history', async () => {
    const x = tf.tensor2d([[1], [2]]);
    const model = new GaussianModel(1);
    const recorder = recordHistory();
    const controller = new AbortController();
    const result = await fit(model, x, {
      steps: 100,
      logEvery: 3,
      signal: controller.signal,
      callbacks: [recorder, { onStepEnd: (e) => void (e.step === 5 && controller.abort()) }],
    });
    expect(result.stopReason).toBe('aborted');
    expect(recorder.entries.at(-1)?.step).toBe(5);
    expect(recorder.entries).toEqual(result.history);
    x.dispose();
    model.dispose();
  });
});

describe('earlyStopping', () => {
  it('stops after `patience` validations without improvement', async () => {
    // L = (w − mean(batch))²: training pulls w towards +5 while the held-out data sit at −5, so
    // every validation is worse than the first and the run stops at the (patience + 1)-th.
    const x = tf.fill([8, 1], 5);
    const held = tf.fill([4, 1], -5);
    const model = new FnModel([0], (w, batch) => tf.sum(tf.square(tf.sub(w, tf.mean(batch)))));
    const stopper = earlyStopping({ patience: 2 });
    const result = await fit(model, x, {
      steps: 100,
      optimizer: tf.train.sgd(0.01),
      validation: { data: held, every: 3 },
      callbacks: [stopper],
    });
    expect(result).toMatchObject({ step: 9, stopReason: 'early-stopping' });
    expect(stopper.best).toBe(result.history.find((h) => h.step === 3)!.validationLoss);
    tf.dispose([x, held]);
    model.dispose();
  });

  it('keeps going while the monitored value improves by more than minDelta', async () => {
    const x = tf.fill([8, 1], 5);
    const model = new GaussianModel(1);
    const result = await fit(model, x, {
      steps: 30,
      optimizer: tf.train.sgd(0.01),
      logEvery: 3,
      callbacks: [earlyStopping({ monitor: 'loss', patience: 1 })],
    });
    expect(result).toMatchObject({ step: 30, stopReason: 'completed' });
    x.dispose();
    model.dispose();
    expect(() => earlyStopping({ patience: 0 })).toThrow(InvalidArgumentError);
    expect(() => earlyStopping({ monitor: '' })).toThrow(
      "earlyStopping: argument 'monitor' must be a history field name",
    );
  });
});

describe('learningRateScheduler', () => {
  it('drives one optimiser of fitAdversarial by name and leaves the other alone', async () => {
    // With L_G = ½(g − d)², SGD's step on g is lr · (g − d); here the generator's rate is 0 after
    // step 0, so g moves once.
    const x = tf.zeros([4, 1]);
    const model = new QuadraticGame(false);
    const rates: number[] = [];
    const spy: Callback = {
      onStepEnd: (e) =>
        void rates.push(
          (e.optimizers.generator as unknown as { learningRate: number }).learningRate,
        ),
    };
    await fitAdversarial(model, x, {
      steps: 3,
      batchSize: 2,
      discriminatorOptimizer: tf.train.sgd(0.5),
      generatorOptimizer: tf.train.sgd(0.5),
      callbacks: [
        learningRateScheduler((t) => (t === 0 ? 0.1 : 0), { optimizer: 'generator' }),
        spy,
      ],
    });
    expect(rates).toEqual([0, 0, 0]);
    // Step 1: d ← 0 − 0.5·(0 − 0 + 1) = −0.5, then g ← 1 − 0.1·(1 + 0.5) = 0.85.
    expect((await model.g.data())[0]).toBeCloseTo(0.85, 6);
    x.dispose();
    model.dispose();
  });

  it('rejects a schedule value that is not a finite rate ≥ 0, and unknown optimiser names', async () => {
    const x = tf.zeros([2, 1]);
    const model = new GaussianModel(1);
    await expect(fit(model, x, { steps: 2, learningRate: () => Number.NaN })).rejects.toThrow(
      "learningRateScheduler: argument 'schedule' must return a finite number >= 0 (at step 0), got NaN",
    );
    await expect(
      fit(model, x, {
        steps: 2,
        callbacks: [learningRateScheduler(() => 1, { optimizer: 'generator' })],
      }),
    ).rejects.toThrow("fit: setLearningRate: unknown optimizer 'generator' (known: optimizer)");
    x.dispose();
    model.dispose();
  });
});
