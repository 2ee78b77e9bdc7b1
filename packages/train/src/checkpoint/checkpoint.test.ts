import {
  FormatError,
  InvalidArgumentError,
  initBackend,
  NotImplementedError,
  Rng,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { QuadraticGame } from '../../test/games.js';
import { GaussianModel } from '../../test/models.js';
import { earlyStopping } from '../callbacks/early-stopping.js';
import { fit } from '../fit.js';
import { fitAdversarial } from '../fit-adversarial.js';
import { cosineDecay } from '../schedules.js';
import { decodeCheckpoint, encodeCheckpoint } from './format.js';
import { readCheckpoint } from './read-checkpoint.js';
import { memoryCheckpointStore } from './store.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const bytes = (values: number[]) => Uint8Array.from(values);

describe('checkpoint format', () => {
  it('round-trips a header and tensors of every dtype', async () => {
    const tensors = {
      a: tf.tensor2d([
        [1.5, -2],
        [3, 4],
      ]),
      b: tf.scalar(7, 'int32'),
      c: tf.tensor1d([true, false, true], 'bool'),
    };
    const encoded = await encodeCheckpoint({ step: 3, nested: { x: [1, 2] } }, tensors);
    const { header, tensors: back } = decodeCheckpoint(encoded);
    expect(header).toEqual({ step: 3, nested: { x: [1, 2] } });
    for (const [name, t] of Object.entries(tensors)) {
      expect(back[name]!.dtype).toBe(t.dtype);
      expect(back[name]!.shape).toEqual(t.shape);
      expect(await back[name]!.data()).toEqual(await t.data());
    }
    tf.dispose([tensors, back]);
  });

  it('rejects foreign, truncated and padded bytes with FormatError', async () => {
    const t = { w: tf.tensor1d([1, 2, 3]) };
    const good = await encodeCheckpoint({}, t);
    const cases: [Uint8Array, RegExp][] = [
      [bytes([1, 2, 3, 4, 5, 6, 7, 8, 9]), /no 'GENC' header/],
      [good.slice(0, good.length - 4), /tensor data has 8 bytes, expected 12/],
      [Uint8Array.from([...good, 0]), /tensor data has 13 bytes, expected 12/],
      [good.slice(0, 12), /truncated header/],
    ];
    for (const [input, message] of cases) {
      expect(() => decodeCheckpoint(input)).toThrow(FormatError);
      expect(() => decodeCheckpoint(input)).toThrow(message);
    }
    tf.dispose(t);
  });
});

describe('memoryCheckpointStore', () => {
  it('keeps copies of the most recent `keep` checkpoints', async () => {
    const store = memoryCheckpointStore({ keep: 2 });
    expect(await store.latest()).toBeUndefined();
    expect(await store.load()).toBeUndefined();
    const b = bytes([1, 2, 3]);
    await store.save(10, b);
    b[0] = 9;
    await store.save(30, bytes([3]));
    await store.save(20, bytes([2]));
    expect(await store.list()).toEqual([20, 30]);
    expect(await store.latest()).toBe(30);
    expect(await store.load()).toEqual(bytes([3]));
    expect(await store.load(20)).toEqual(bytes([2]));
    expect(await store.load(10)).toBeUndefined();
    await expect(store.save(-1, b)).rejects.toThrow(InvalidArgumentError);
    expect(() => memoryCheckpointStore({ keep: 0 })).toThrow(
      "memoryCheckpointStore: argument 'keep' must be an integer >= 1, got 0",
    );
  });
});

describe('resume errors', () => {
  const x = () => Rng.fromSeed(1).normal([20, 2]);

  it('rejects an empty store, a mismatched setting, another loop and a foreign model', async () => {
    const data = x();
    const store = memoryCheckpointStore();
    const model = new GaussianModel(2);
    await expect(fit(model, data, { steps: 4, resume: store })).rejects.toThrow(
      "fit: argument 'resume' holds no checkpoint",
    );
    await fit(model, data, { steps: 4, batchSize: 5, checkpoint: { store, every: 2 } });
    await expect(fit(model, data, { steps: 8, batchSize: 4, resume: store })).rejects.toThrow(
      "fit: argument 'resume' was written with batchSize 5, but this run has batchSize 4; an exact resume needs the same setting",
    );
    await expect(
      fitAdversarial(new QuadraticGame(false), data, { steps: 8, batchSize: 5, resume: store }),
    ).rejects.toThrow("fitAdversarial: argument 'resume' holds a checkpoint of fit");
    const wider = new GaussianModel(3);
    const data3 = Rng.fromSeed(1).normal([20, 3]);
    await expect(fit(wider, data3, { steps: 8, batchSize: 5, resume: store })).rejects.toThrow(
      FormatError,
    );
    await expect(
      fit(model, data, { steps: 8, batchSize: 5, resume: store, optimizer: tf.train.sgd(1) }),
    ).rejects.toThrow("fit: argument 'resume' holds state of optimizer Adam, but the run uses SGD");
    tf.dispose([data, data3]);
    model.dispose();
    wider.dispose();
  });

  it('refuses up front to checkpoint an optimiser tfjs cannot save (Adamax)', async () => {
    const data = x();
    const model = new GaussianModel(2);
    const adamax = tf.train.adamax(0.01, 0.9, 0.999);
    await expect(
      fit(model, data, {
        steps: 4,
        optimizer: adamax,
        checkpoint: { store: memoryCheckpointStore(), every: 2 },
      }),
    ).rejects.toThrow(NotImplementedError);
    expect(await model.mean.data()).toEqual(new Float32Array([0, 0]));
    data.dispose();
    adamax.dispose();
    model.dispose();
  });

  it('does nothing when resuming a run that is already complete; readCheckpoint gives its weights', async () => {
    const data = x();
    const model = new GaussianModel(2);
    const store = memoryCheckpointStore();
    const first = await fit(model, data, {
      steps: 6,
      batchSize: 5,
      checkpoint: { store, every: 4 },
    });
    expect(await store.list()).toEqual([4, 6]);
    const again = await fit(model, data, {
      steps: 6,
      batchSize: 5,
      resume: store,
      checkpoint: { store, every: 4 },
    });
    expect(again).toEqual(first);
    const saved = await readCheckpoint(store);
    expect(saved).toMatchObject({ fn: 'fit', step: 6, epoch: 1, history: first.history });
    expect(await saved.weights.mean!.data()).toEqual(await model.mean.data());
    const older = await readCheckpoint(store, 4);
    expect(older.step).toBe(4);
    await expect(readCheckpoint(store, 5)).rejects.toThrow(
      "readCheckpoint: argument 'source' holds no checkpoint of step 5",
    );
    tf.dispose([data, saved.weights, older.weights]);
    model.dispose();
  });
});

describe('checkpoint contents', () => {
  it('holds the model weights, optimiser slots and the Adam β-power accumulators', async () => {
    const data = Rng.fromSeed(1).normal([20, 2]);
    const model = new GaussianModel(2);
    const store = memoryCheckpointStore();
    await fit(model, data, {
      steps: 3,
      batchSize: 10,
      checkpoint: { store, every: 3 },
      learningRate: cosineDecay({ initial: 0.1, steps: 10 }),
    });
    const { header, tensors } = decodeCheckpoint((await store.load())!);
    expect(Object.keys(tensors).sort()).toEqual([
      'model/logScale',
      'model/mean',
      'optimizer/optimizer/extra/accBeta1',
      'optimizer/optimizer/extra/accBeta2',
      'optimizer/optimizer/slot/0',
      'optimizer/optimizer/slot/1',
      'optimizer/optimizer/slot/2',
      'optimizer/optimizer/slot/3',
    ]);
    expect((await tensors['optimizer/optimizer/extra/accBeta1']!.data())[0]).toBeCloseTo(
      0.9 ** 4,
      6,
    );
    expect(header).toMatchObject({
      format: 'gen-train-checkpoint',
      version: 1,
      fn: 'fit',
      step: 3,
      epoch: 1,
      settings: { rows: 20, batchSize: 10, shuffle: true },
      data: { epoch: 1, index: 1 },
      optimizers: {
        optimizer: {
          className: 'Adam',
          iterations: 3,
          learningRate: cosineDecay({ initial: 0.1, steps: 10 })(3),
        },
      },
    });
    tf.dispose([data, tensors]);
    model.dispose();
  });
});

describe('earlyStopping state', () => {
  it('is saved with the checkpoint and restored', () => {
    const a = earlyStopping({ patience: 3 });
    a.setState!({ best: 1.5, wait: 2 });
    expect(a.getState!()).toEqual({ best: 1.5, wait: 2 });
    expect(a.best).toBe(1.5);
    expect(() => a.setState!({ wait: 'x' })).toThrow(FormatError);
  });
});
