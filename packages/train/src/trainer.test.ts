import { InvalidArgumentError, Rng } from '@gen/core';
import { describeBackends } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { NoisyGan1d, QuadraticGame } from '../test/games.js';
import { GaussianModel, weightsOf } from '../test/models.js';
import { memoryCheckpointStore } from './checkpoint/store.js';
import { fit } from './fit.js';
import { fitAdversarial } from './fit-adversarial.js';
import { cosineDecay } from './schedules.js';
import { createTrainer } from './trainer.js';

describeBackends('createTrainer', () => {
  const options = () => ({
    epochs: 4,
    batchSize: 8,
    rng: Rng.fromSeed(3),
    logEvery: 3,
    learningRate: cosineDecay({ initial: 0.05, steps: 28 }),
  });

  it('run in uneven chunks and step() by step = fit, bitwise, with the same history', async () => {
    const data = Rng.fromSeed(1).normal([50, 2], 1, 2);
    const straight = new GaussianModel(2);
    const full = await fit(straight, data, options());

    const chunked = new GaussianModel(2);
    const trainer = createTrainer(chunked, data, options());
    expect(trainer.kind).toBe('loss');
    expect(trainer.status).toMatchObject({ step: 0, done: false, totalSteps: 28 });
    const seen: number[] = [];
    for (const n of [1, 5, 2, 9]) seen.push((await trainer.run(n)).step);
    expect(seen).toEqual([1, 6, 8, 17]);
    const one = await trainer.step();
    expect(one).toMatchObject({ step: 18, done: false, stopReason: undefined });
    const end = await trainer.run(1000);
    expect(end).toMatchObject({ step: 28, epoch: 4, done: true, stopReason: 'completed' });
    expect(end.history).toEqual(full.history);
    expect(await weightsOf(chunked)).toEqual(await weightsOf(straight));
    // A finished run stays finished.
    expect((await trainer.run(5)).step).toBe(28);
    trainer.dispose();
    trainer.dispose();
    tf.dispose([data]);
    straight.dispose();
    chunked.dispose();
  });

  it('queues calls that are not awaited, leaks nothing per chunk and frees its optimiser', async () => {
    const data = Rng.fromSeed(2).normal([40, 2]);
    const model = new GaussianModel(2);
    const before = tf.memory().numTensors;
    const trainer = createTrainer(model, data, { steps: 60, batchSize: 10, logEvery: 5 });
    const first = trainer.run(10);
    const second = trainer.run(10);
    expect((await first).step).toBe(10);
    expect((await second).step).toBe(20);
    const during = tf.memory().numTensors;
    await trainer.run(20);
    expect(tf.memory().numTensors).toBe(during);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(trainer.run(1)).rejects.toThrow(/^createTrainer: the trainer has been disposed/);
    model.dispose();
    data.dispose();
  });

  it('works when made inside a tf.tidy (its running sums are kept)', async () => {
    const data = Rng.fromSeed(6).normal([20, 1]);
    const model = new GaussianModel(1);
    let trainer: ReturnType<typeof createTrainer> | undefined;
    tf.tidy(() => {
      trainer = createTrainer(model, data, { steps: 6, batchSize: 5, logEvery: 2 });
    });
    const status = await trainer!.run();
    expect(status).toMatchObject({ step: 6, done: true });
    expect(status.history.map((row) => Number.isFinite(row.loss))).toEqual([true, true, true]);
    trainer!.dispose();
    model.dispose();
    data.dispose();
  });

  it('save() writes the current step, and a trainer resuming from it ends like the straight run', async () => {
    const data = Rng.fromSeed(4).normal([30, 1], 2, 1);
    const straight = new GaussianModel(1);
    await fit(straight, data, { ...options(), epochs: 3 });

    const store = memoryCheckpointStore();
    const first = new GaussianModel(1);
    const a = createTrainer(first, data, {
      ...options(),
      epochs: 3,
      checkpoint: { store, every: 1000 },
    });
    await a.run(7);
    await a.save();
    expect(await store.list()).toEqual([7]);
    a.dispose();
    first.dispose();

    const second = new GaussianModel(1);
    const b = createTrainer(second, data, { ...options(), epochs: 3, resume: store });
    expect((await b.step()).step).toBe(8);
    expect(await b.run()).toMatchObject({ step: 12, done: true });
    expect(await weightsOf(second)).toEqual(await weightsOf(straight));
    b.dispose();
    tf.dispose([data]);
    straight.dispose();
    second.dispose();
  });
});

describeBackends('adversarial models declare their state', () => {
  const options = (store = memoryCheckpointStore()) => ({
    steps: 30,
    batchSize: 16,
    discriminatorSteps: 2,
    rng: Rng.fromSeed(11),
    logEvery: 5,
    checkpoint: { store, every: 13 },
  });

  it('calls afterDiscriminatorStep after each of the k discriminator updates', async () => {
    const data = Rng.fromSeed(5).normal([64, 1], 2, 0.5);
    const gan = new NoisyGan1d(1);
    const trainer = createTrainer(gan, data, options());
    expect(trainer.kind).toBe('adversarial');
    await trainer.run(4);
    expect(gan.discriminatorUpdates).toBe(8);
    trainer.dispose();
    gan.dispose();
    data.dispose();
  });

  it('N/2 steps, checkpoint, N/2 resumed = N straight, bitwise, because getState is checkpointed', async () => {
    const data = Rng.fromSeed(5).normal([64, 1], 2, 0.5);
    const straight = new NoisyGan1d(1);
    await fitAdversarial(straight, data, options());

    const store = memoryCheckpointStore();
    const first = new NoisyGan1d(1);
    const a = createTrainer(first, data, options(store));
    await a.run(15);
    await a.save();
    a.dispose();
    first.dispose();
    const resumed = new NoisyGan1d(1);
    await fitAdversarial(resumed, data, { ...options(store), resume: store });
    expect(resumed.discriminatorUpdates).toBe(60);
    expect(await weightsOf(resumed)).toEqual(await weightsOf(straight));

    // The control: the same model hiding its counter resumes with the noise schedule restarted,
    // and ends elsewhere.
    const hiddenStore = memoryCheckpointStore();
    const hidden = new NoisyGan1d(1, false);
    const c = createTrainer(hidden, data, options(hiddenStore));
    await c.run(15);
    await c.save();
    c.dispose();
    hidden.dispose();
    const restarted = new NoisyGan1d(1, false);
    await fitAdversarial(restarted, data, { ...options(hiddenStore), resume: hiddenStore });
    expect(restarted.discriminatorUpdates).toBe(30);
    expect(await weightsOf(restarted)).not.toEqual(await weightsOf(straight));
    tf.dispose([data]);
    straight.dispose();
    resumed.dispose();
    restarted.dispose();
  });

  it('refuses a checkpoint without the state that the model declares', async () => {
    const data = Rng.fromSeed(5).normal([32, 1]);
    const store = memoryCheckpointStore();
    const hidden = new NoisyGan1d(2, false);
    await fitAdversarial(hidden, data, { ...options(store), steps: 2 });
    const declared = new NoisyGan1d(2);
    await expect(
      fitAdversarial(declared, data, { ...options(store), steps: 4, resume: store }),
    ).rejects.toThrow(/fitAdversarial: the checkpoint holds no model state/);
    tf.dispose([data]);
    hidden.dispose();
    declared.dispose();
  });
});

describe('createTrainer: the event loop gets a turn', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('a timer abort stops a long run without checkpoints within the run, not at its end', async () => {
    const data = tf.tensor2d([[1], [2], [3], [4]]);
    const game = new QuadraticGame(false);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const total = 200_000;
    const result = await fitAdversarial(game, data, {
      steps: total,
      batchSize: 2,
      signal: controller.signal,
      logEvery: 1000,
    });
    expect(result.stopReason).toBe('aborted');
    expect(result.step).toBeLessThan(total);
    game.dispose();
    data.dispose();
  });
});

describe('createTrainer: bad input', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('names createTrainer, the argument and the value', async () => {
    const x = tf.tensor2d([[1], [2]]);
    const model = new GaussianModel(1);
    expect(() => createTrainer({} as never, x, { steps: 1 })).toThrow(
      /^createTrainer: argument 'model' must be a Trainable \(loss\), an AdversarialModel/,
    );
    expect(() => createTrainer(model, x, { steps: 1, kind: 'sgd' as never })).toThrow(
      /^createTrainer: argument 'kind' must be 'loss', 'adversarial' or 'em', got .sgd./,
    );
    expect(() => createTrainer(model, x, { steps: 1, discriminatorSteps: 2 })).toThrow(
      /^createTrainer: unknown option 'discriminatorSteps'/,
    );
    expect(() => createTrainer(model, x, null as never)).toThrow(InvalidArgumentError);
    const trainer = createTrainer(model, x, { steps: 3 });
    await expect(trainer.run(-1)).rejects.toThrow(
      /^createTrainer: run: argument 'steps' must be an integer >= 0 or Infinity, got -1/,
    );
    await expect(trainer.save()).rejects.toThrow(/^createTrainer: save\(\) needs the 'checkpoint'/);
    trainer.dispose();
    model.dispose();
    x.dispose();
  });
});
