import { InvalidArgumentError, initBackend, Rng, ShapeMismatchError } from '@gen/core';
import { expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingGame } from '../test/games.js';
import { ClassMeansModel, GaussianModel, labelledBlobs, TwoMeansEm } from '../test/models.js';
import { fit } from './fit.js';
import { fitAdversarial } from './fit-adversarial.js';
import { fitEm } from './fit-em.js';
import { cosineDecay } from './schedules.js';
import { createTrainer } from './trainer.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** The class of each one-hot row. */
const labelsOf = (condition: number[][]) => condition.map((row) => row.indexOf(1));

describe('conditional data { x, condition }', () => {
  it('fit shuffles x and condition together: the per-class model converges to the class means', async () => {
    const { x, condition, means } = labelledBlobs(Rng.fromSeed(1), 30, 3);
    const model = new ClassMeansModel(3, 2, { record: true });
    const sgd = tf.train.sgd(1);
    // 30 rows in 5 batches of 6 (equal sizes: the batch-mean losses then weight every row
    // alike, so the class means are the fixed point of SGD with a learning rate decaying to 0).
    const result = await fit(
      model,
      { x, condition },
      {
        epochs: 50,
        batchSize: 6,
        rng: Rng.fromSeed(2),
        optimizer: sgd,
        learningRate: cosineDecay({ initial: 0.5, steps: 250 }),
        logEvery: 100,
      },
    );
    expect(result).toMatchObject({ step: 250, epoch: 50, stopReason: 'completed' });
    expect(model.batches.slice(0, 5).map((b) => [b.x.length, b.condition.length])).toEqual(
      Array(5).fill([6, 6]),
    );
    // Every example arrives with its own label, in a shuffled order that covers each row once.
    const rows = x.arraySync();
    const label = new Map(rows.map((row, i) => [row.join(), i % 3]));
    const firstEpoch = model.batches.slice(0, 5).flatMap((b) => b.x.map((row) => row.join()));
    expect(new Set(firstEpoch)).toEqual(new Set(label.keys()));
    expect(firstEpoch).not.toEqual([...label.keys()]);
    for (const b of model.batches) {
      expect(labelsOf(b.condition)).toEqual(b.x.map((row) => label.get(row.join())));
    }
    // The minimiser of mean ‖x − condition·W‖² has W's row k at the mean of class k. 250 SGD
    // steps leave ≲ 5e-3 of mini-batch noise; one example trained under another class's label
    // would move that class's row by ≈ 0.5 (5.2 between centres, over 10 rows), and the class
    // means differ from the centres by ≈ 0.16 (σ/√10), so 1e-2 tells the three apart.
    expectClose(await model.w.array(), means, { atol: 1e-2 });
    tf.dispose([x, condition]);
    sgd.dispose();
    model.dispose();
  });

  it('createTrainer validates on { x, condition } held-out data, chunked with the pairs kept', async () => {
    const train = labelledBlobs(Rng.fromSeed(3), 12, 3);
    const held = labelledBlobs(Rng.fromSeed(4), 11, 3);
    const model = new ClassMeansModel(3, 2);
    const trainer = createTrainer(
      model,
      { x: train.x, condition: train.condition },
      {
        steps: 4,
        batchSize: 4,
        learningRate: 0.05,
        validation: { data: { x: held.x, condition: held.condition }, every: 4, batchSize: 5 },
      },
    );
    expect(trainer.kind).toBe('loss');
    const { history } = await trainer.run();
    trainer.dispose();
    // Oracle in float64: the mean over all 11 held-out rows of ‖x − W[label]‖².
    const w = (await model.w.array()) as number[][];
    const rows = held.x.arraySync();
    const expected =
      rows.reduce((sum, row, i) => {
        const mean = w[i % 3]!;
        return sum + (row[0]! - mean[0]!) ** 2 + (row[1]! - mean[1]!) ** 2;
      }, 0) / rows.length;
    expectClose(history.at(-1)!.validationLoss!, expected, { rtol: 1e-5 });
    tf.dispose([train.x, train.condition, held.x, held.condition]);
    model.dispose();
  });

  it('fit takes an iterable of { x, condition } batches as they are yielded', async () => {
    const data = labelledBlobs(Rng.fromSeed(5), 9, 3);
    const passes = {
      *[Symbol.iterator]() {
        for (let start = 0; start < 9; start += 3) {
          yield {
            x: tf.slice(data.x, start, 3),
            condition: tf.slice(data.condition, start, 3),
          };
        }
      },
    };
    const model = new ClassMeansModel(3, 2, { record: true });
    const before = tf.memory().numTensors;
    const result = await fit(model, passes, { epochs: 2 });
    expect(result).toMatchObject({ step: 6, epoch: 2 });
    expect(tf.memory().numTensors).toBe(before); // every batch disposed
    const rows = data.x.arraySync();
    const conditions = data.condition.arraySync();
    const expected = [0, 3, 6].map((s) => ({
      x: rows.slice(s, s + 3),
      condition: conditions.slice(s, s + 3),
    }));
    expect(model.batches).toEqual([...expected, ...expected]);
    tf.dispose([data.x, data.condition]);
    model.dispose();
  });

  it('fitAdversarial: the discriminator gets { x, condition }, the generator the last real batch’s condition', async () => {
    // Row i is x = i with condition [i, 10 + i], so a broken pairing shows in any batch.
    const x = tf.tensor2d([0, 1, 2, 3, 4, 5, 6], [7, 1]);
    const condition = tf.tensor2d(Array.from({ length: 7 }, (_, i) => [i, 10 + i]));
    const model = new RecordingGame();
    await fitAdversarial(
      model,
      { x, condition },
      { steps: 4, batchSize: 3, discriminatorSteps: 2 },
    );
    expect(model.real.map((b) => b.x.length)).toEqual([3, 3, 1, 3, 3, 1, 3, 3]);
    for (const b of model.real) expect(b.condition).toEqual(b.x.map((v) => [v, 10 + v]));
    const firstEpoch = model.real.slice(0, 3).flatMap((b) => b.x);
    expect([...firstEpoch].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(firstEpoch).not.toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(model.generatorCalls).toEqual(
      [1, 3, 5, 7].map((j) => ({
        n: model.real[j]!.x.length,
        argumentCount: 3,
        condition: model.real[j]!.condition,
      })),
    );

    // Unconditional data keeps the calls of before: tensors, and generatorLoss(n, rng).
    const plain = new RecordingGame();
    await fitAdversarial(plain, x, { steps: 2, batchSize: 3 });
    expect(plain.real.every((b) => b.condition === undefined)).toBe(true);
    expect(plain.generatorCalls).toEqual([
      { n: 3, argumentCount: 2 },
      { n: 3, argumentCount: 2 },
    ]);
    tf.dispose([x, condition]);
    model.dispose();
    plain.dispose();
  });
});

describe('conditional data: bad input', () => {
  let x: tf.Tensor;
  let condition: tf.Tensor;
  let short: tf.Tensor;
  let flat: tf.Tensor;
  let wide: tf.Tensor;
  let disposed: tf.Tensor;
  let model: ClassMeansModel;
  let game: RecordingGame;
  beforeAll(() => {
    x = tf.zeros([6, 2]);
    condition = tf.tidy(() =>
      tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3), 'float32'),
    );
    [short, flat, wide] = [tf.zeros([5, 3]), tf.zeros([6]), tf.zeros([6, 4])];
    disposed = tf.zeros([6, 3]);
    disposed.dispose();
    model = new ClassMeansModel(3, 2);
    game = new RecordingGame();
  });
  afterAll(() => {
    tf.dispose([x, condition, short, flat, wide]);
    model.dispose();
    game.dispose();
  });

  const cases: [string, () => Promise<unknown>, string | RegExp][] = [
    [
      'a condition with other row counts',
      () => fit(model, { x, condition: short }, { steps: 1 }),
      "fit: argument 'data.condition' must be a live tensor [n, conditionSize] with n = 6 rows (one per row of 'data.x') and conditionSize >= 1, got a float32 tensor of shape [5, 3]",
    ],
    [
      'a condition that is not 2-D',
      async () => createTrainer(model, { x, condition: flat } as never, { steps: 1 }).run(),
      "createTrainer: argument 'data.condition' must be a live tensor [n, conditionSize] with n = 6 rows (one per row of 'data.x') and conditionSize >= 1, got a float32 tensor of shape [6]",
    ],
    [
      'a disposed condition',
      () => fitAdversarial(game, { x, condition: disposed }, { steps: 1 }),
      "fitAdversarial: argument 'data.condition' must be a live tensor [n, conditionSize] with n = 6 rows (one per row of 'data.x') and conditionSize >= 1, got a disposed tensor",
    ],
    [
      'a disposed x',
      () => fit(model, { x: disposed, condition }, { steps: 1 }),
      "fit: argument 'data.x' must be a live tensor [n, ...], got a disposed tensor",
    ],
    [
      'an unknown key',
      () => fit(model, { x, condition, labels: [0, 1] } as never, { steps: 1 }),
      "fit: argument 'data' has an unknown key 'labels' (conditional data is { x, condition }), got { x: a float32 tensor of shape [6, 2], condition: a float32 tensor of shape [6, 3], labels: [0, 1] }",
    ],
    [
      'a missing condition',
      () => fit(model, { x } as never, { steps: 1 }),
      "fit: argument 'data.condition' must be a live tensor [n, conditionSize] with n = 6 rows (one per row of 'data.x') and conditionSize >= 1, got undefined",
    ],
    [
      'plain validation data for conditional data',
      () => fit(model, { x, condition }, { steps: 1, validation: { data: x, every: 1 } as never }),
      "fit: argument 'validation.data' must be { x, condition } like 'data', got a float32 tensor of shape [6, 2]",
    ],
    [
      'a validation condition with other row counts',
      () =>
        fit(
          model,
          { x, condition },
          {
            steps: 1,
            validation: { data: { x, condition: short }, every: 1 },
          },
        ),
      "fit: argument 'validation.data.condition' must be a live tensor [n, conditionSize] with n = 6 rows (one per row of 'validation.data.x') and conditionSize >= 1, got a float32 tensor of shape [5, 3]",
    ],
    [
      'conditional data for EM',
      () => fitEm(new TwoMeansEm(), { x, condition } as never, { steps: 1 }),
      "fitEm: argument 'data' must be a tensor [n, ...] (EM models take no condition), got { x, condition }",
    ],
  ];
  for (const [what, call, message] of cases) {
    it(`rejects ${what} with InvalidArgumentError`, async () => {
      await expect(call()).rejects.toThrow(InvalidArgumentError);
      await expect(call()).rejects.toThrow(message);
    });
  }

  it('rejects a validation condition of another width with ShapeMismatchError', async () => {
    const call = () =>
      fit(
        model,
        { x, condition },
        { steps: 1, validation: { data: { x, condition: wide }, every: 1 } },
      );
    await expect(call()).rejects.toThrow(ShapeMismatchError);
    await expect(call()).rejects.toThrow(
      "fit: argument 'validation.data.condition' has 4 columns, but 'data.condition' has 3",
    );
  });

  it('rejects a bad { x, condition } batch of an iterable, naming where, and disposes it', async () => {
    const before = tf.memory().numTensors;
    const batches = [
      { x: tf.clone(x), condition: tf.clone(condition) },
      { x: tf.clone(x), condition: tf.zeros([4, 3]) },
    ];
    await expect(fit(model, batches, { steps: 3 })).rejects.toThrow(
      "fit: argument 'data.condition' must be a live tensor [n, conditionSize] with n = 6 rows (one per row of 'data.x') and conditionSize >= 1, got a float32 tensor of shape [4, 3] (a { x, condition } batch the iterable yielded at epoch 0, batch 1)",
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a conditional model given plain tensor data fails with its own typed error', async () => {
    await expect(fit(model as never, x, { steps: 1 })).rejects.toThrow(
      /^ClassMeansModel\.loss: argument 'batch' must be \{ x, condition \}/,
    );
    const plainModel = new GaussianModel(2);
    await expect(fit(plainModel, x, { steps: 1 })).resolves.toMatchObject({ step: 1 });
    plainModel.dispose();
  });
});
