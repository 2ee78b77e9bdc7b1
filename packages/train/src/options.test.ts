import { InvalidArgumentError, initBackend, ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FnModel, GaussianModel } from '../test/models.js';
import { memoryCheckpointStore } from './checkpoint/store.js';
import { type FitOptions, fit } from './fit.js';

let x: tf.Tensor;
let model: GaussianModel;

beforeAll(async () => {
  await initBackend('cpu');
  x = tf.zeros([10, 2]);
  model = new GaussianModel(2);
});

afterAll(() => {
  x.dispose();
  model.dispose();
});

describe('fit: bad input', () => {
  const cases: [string, () => Promise<unknown>, string | RegExp][] = [
    [
      'an unknown option',
      () => fit(model, x, { steps: 1, stpes: 2 } as FitOptions),
      /^fit: unknown option 'stpes' \(known options: steps, epochs,/,
    ],
    [
      'steps and epochs',
      () => fit(model, x, { steps: 5, epochs: 2 }),
      "fit: give exactly one of 'steps' and 'epochs', got steps 5 and epochs 2",
    ],
    [
      'neither steps nor epochs',
      () => fit(model, x, {}),
      "fit: give exactly one of 'steps' and 'epochs', got steps undefined and epochs undefined",
    ],
    [
      'no options',
      () => fit(model, x, undefined as never),
      "fit: argument 'options' must be an options object with steps or epochs, got undefined",
    ],
    [
      'fractional steps',
      () => fit(model, x, { steps: 2.5 }),
      "fit: argument 'steps' must be an integer >= 1, got 2.5",
    ],
    [
      'zero epochs',
      () => fit(model, x, { epochs: 0 }),
      "fit: argument 'epochs' must be an integer >= 1, got 0",
    ],
    [
      'batchSize > n',
      () => fit(model, x, { steps: 1, batchSize: 11 }),
      "fit: argument 'batchSize' must be an integer in [1, 10], got 11",
    ],
    [
      'a non-positive learning rate',
      () => fit(model, x, { steps: 1, learningRate: 0 }),
      "fit: argument 'learningRate' must be a finite number > 0, got 0",
    ],
    [
      'a negative learning rate',
      () => fit(model, x, { steps: 1, learningRate: -0.1 }),
      "fit: argument 'learningRate' must be a finite number > 0, got -0.1",
    ],
    [
      'a string learning rate',
      () => fit(model, x, { steps: 1, learningRate: '1e-3' as never }),
      `fit: argument 'learningRate' must be a number > 0 or a schedule, got "1e-3"`,
    ],
    [
      'clipNorm 0',
      () => fit(model, x, { steps: 1, clipNorm: 0 }),
      "fit: argument 'clipNorm' must be a finite number > 0, got 0",
    ],
    [
      'clipValue NaN',
      () => fit(model, x, { steps: 1, clipValue: Number.NaN }),
      "fit: argument 'clipValue' must be a finite number > 0, got NaN",
    ],
    [
      'logEvery 0',
      () => fit(model, x, { steps: 1, logEvery: 0 }),
      "fit: argument 'logEvery' must be an integer >= 1, got 0",
    ],
    [
      'a non-boolean shuffle',
      () => fit(model, x, { steps: 1, shuffle: 'yes' as never }),
      `fit: argument 'shuffle' must be a boolean, got "yes"`,
    ],
    [
      'a bad rng',
      () => fit(model, x, { steps: 1, rng: 42 as never }),
      "fit: argument 'rng' must be an Rng from @gen/core, got 42",
    ],
    [
      'a bad signal',
      () => fit(model, x, { steps: 1, signal: {} as never }),
      "fit: argument 'signal' must be an AbortSignal, got {}",
    ],
    [
      'a bad nanGuard',
      () => fit(model, x, { steps: 1, nanGuard: true as never }),
      "fit: argument 'nanGuard' must be 'stop', 'restore' or false, got true",
    ],
    [
      'callbacks not an array',
      () => fit(model, x, { steps: 1, callbacks: {} as never }),
      "fit: argument 'callbacks' must be an array, got {}",
    ],
    [
      'a null callback',
      () => fit(model, x, { steps: 1, callbacks: [null as never] }),
      "fit: argument 'callbacks[0]' must be a callback object, got null",
    ],
    [
      'checkpoint without dir or store',
      () => fit(model, x, { steps: 1, checkpoint: { every: 5 } }),
      `fit: argument 'checkpoint' needs exactly one of 'dir' and 'store', got {"every":5}`,
    ],
    [
      'checkpoint every 0',
      () => fit(model, x, { steps: 1, checkpoint: { store: memoryCheckpointStore(), every: 0 } }),
      "fit: argument 'checkpoint.every' must be an integer >= 1, got 0",
    ],
    [
      'an unknown checkpoint option',
      () => fit(model, x, { steps: 1, checkpoint: { dir: 'a', every: 1, keep: 2 } as never }),
      /^fit: checkpoint: unknown option 'keep'/,
    ],
    [
      'a bad store',
      () => fit(model, x, { steps: 1, checkpoint: { store: {} as never, every: 1 } }),
      "fit: argument 'checkpoint.store' must be a CheckpointStore (save, load, latest, list), got {}",
    ],
    [
      'resume as a number',
      () => fit(model, x, { steps: 1, resume: 3 as never }),
      "fit: argument 'resume' must be a CheckpointStore (save, load, latest, list), got 3",
    ],
    [
      'a non-tensor, non-iterable dataset',
      () => fit(model, 5 as never, { steps: 1 }),
      "fit: argument 'data' must be a tensor, a conditional dataset { x, condition } or an (async) iterable of batches, got 5",
    ],
    [
      'a scalar dataset',
      () => fit(model, tf.scalar(1), { steps: 1 }),
      "fit: argument 'data' must be a live tensor [n, ...] with n >= 1, got a float32 tensor of shape []",
    ],
    [
      'batchSize with an iterable',
      () => fit(model, [x], { steps: 1, batchSize: 2 }),
      "fit: argument 'batchSize' applies only to tensor data (an iterable yields its own batches), got 2",
    ],
    [
      'a model without variables',
      () => fit({ loss: () => tf.scalar(0) } as never, x, { steps: 1 }),
      /^fit: argument 'model' must be a Trainable \(trainableVariables, loss\(batch, rng\), getWeights, setWeights\) with live variables/,
    ],
    [
      'a non-optimiser',
      () => fit(model, x, { steps: 1, optimizer: 'adam' as never }),
      `fit: argument 'optimizer' must be a tf.Optimizer (e.g. tf.train.adam()), got "adam"`,
    ],
    [
      'bad validation',
      () => fit(model, x, { steps: 1, validation: { data: x, every: 0 } }),
      "fit: argument 'validation.every' must be an integer >= 1, got 0",
    ],
    [
      'validation without data',
      () => fit(model, x, { steps: 1, validation: { every: 2 } as never }),
      "fit: argument 'validation.data' must be a live tensor [n, ...] with n >= 1 or { x, condition }, got undefined",
    ],
  ];
  for (const [what, call, message] of cases) {
    it(`rejects ${what} with InvalidArgumentError`, async () => {
      await expect(call()).rejects.toThrow(InvalidArgumentError);
      await expect(call()).rejects.toThrow(message);
    });
  }

  it('rejects data with NaN or Inf before training, without leaking', async () => {
    const bad = tf.tensor2d([
      [0, 1],
      [Number.NaN, 2],
      [3, 4],
    ]);
    const inf = tf.tensor2d([[0, Number.POSITIVE_INFINITY]]);
    const before = tf.memory().numTensors;
    await expect(fit(model, bad, { steps: 1 })).rejects.toThrow(
      "fit: argument 'data' must not contain NaN or infinite values, got a float32 tensor of shape [3, 2]",
    );
    await expect(fit(model, x, { steps: 1, validation: { data: inf, every: 1 } })).rejects.toThrow(
      /fit: argument 'validation.data' must not contain NaN or infinite values/,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(await model.mean.data()).toEqual(new Float32Array([0, 0]));
    tf.dispose([bad, inf]);
  });

  it('rejects a loss that is not a scalar with ShapeMismatchError, without leaking', async () => {
    const vector = new FnModel([1, 2], (w) => tf.mul(w, 2));
    const before = tf.memory().numTensors;
    await expect(fit(vector, x, { steps: 3 })).rejects.toThrow(ShapeMismatchError);
    await expect(fit(vector, x, { steps: 3 })).rejects.toThrow(
      'fit: model.loss must return a scalar tensor, got shape [2]',
    );
    expect(tf.memory().numTensors).toBe(before);
    vector.dispose();
  });

  it('rejects an iterable that yields something other than a tensor, naming where', async () => {
    await expect(fit(model, [tf.clone(x), 'row' as never], { steps: 3 })).rejects.toThrow(
      `fit: argument 'data' must yield live tensors of rank >= 1 or { x, condition } batches, got "row" at epoch 0, batch 1`,
    );
  });
});
