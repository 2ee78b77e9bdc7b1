import { initBackend, NumericalError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { QuadraticGame } from '../test/games.js';
import { FnModel } from '../test/models.js';
import { readCheckpoint } from './checkpoint/read-checkpoint.js';
import { memoryCheckpointStore } from './checkpoint/store.js';
import { fit } from './fit.js';
import { fitAdversarial } from './fit-adversarial.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** L = ½‖w‖², times NaN on call `bad` (so the loss and every later weight are NaN). */
const nanAt = (bad: number) =>
  new FnModel([1, 2], (w, _batch, call) =>
    tf.mul(0.5 * (call === bad ? Number.NaN : 1), tf.sum(tf.square(w))),
  );

describe('NaN/Inf guard', () => {
  it('rejects with NumericalError naming the step, and writes no checkpoint after it', async () => {
    const x = tf.zeros([4, 1]);
    const model = nanAt(23);
    const store = memoryCheckpointStore();
    const run = fit(model, x, {
      steps: 100,
      batchSize: 2,
      optimizer: tf.train.sgd(0.01),
      checkpoint: { store, every: 10 },
    });
    await expect(run).rejects.toThrow(NumericalError);
    await expect(run).rejects.toThrow(
      'fit: the loss or a gradient was NaN or infinite at step 23; training stopped at step 30 and the model keeps the weights of step 30; the last checkpoint (step 20) was written before the failure',
    );
    expect(await store.list()).toEqual([10, 20]);
    expect(Number.isNaN((await model.w.data())[0])).toBe(true);
    x.dispose();
    model.dispose();
  });

  it("with 'restore' also puts back the model's declared state", async () => {
    const x = tf.zeros([4, 1]);
    const model = Object.assign(nanAt(12), {
      getState(this: FnModel) {
        return { calls: this.calls };
      },
      setState(this: FnModel, state: Record<string, unknown>) {
        this.calls = state.calls as number;
      },
    });
    await expect(
      fit(model, x, {
        steps: 100,
        optimizer: tf.train.sgd(0.01),
        logEvery: 5,
        nanGuard: 'restore',
      }),
    ).rejects.toThrow(/the weights of step 10 were restored/);
    expect(model.calls).toBe(10);
    x.dispose();
    model.dispose();
  });

  it("with 'restore' puts back the weights of the last finite read point", async () => {
    const x = tf.zeros([4, 1]);
    const model = nanAt(17);
    const store = memoryCheckpointStore();
    await expect(
      fit(model, x, {
        steps: 100,
        optimizer: tf.train.sgd(0.01),
        logEvery: 5,
        nanGuard: 'restore',
        checkpoint: { store, every: 15 },
      }),
    ).rejects.toThrow(
      /at step 17; training stopped at step 20 and the weights of step 15 were restored/,
    );
    const { weights, step } = await readCheckpoint(store);
    expect(step).toBe(15);
    expect(await model.w.data()).toEqual(await weights.w!.data());
    tf.dispose(weights);
    x.dispose();
    model.dispose();
  });

  it('catches an infinite gradient under a finite loss', async () => {
    // d/dw √|w| is infinite at w = 0, while the loss there is 0.
    const model = new FnModel([0], (w) => tf.sum(tf.sqrt(tf.abs(w))));
    const x = tf.zeros([2, 1]);
    await expect(fit(model, x, { steps: 5, optimizer: tf.train.sgd(0.1) })).rejects.toThrow(
      /fit: the loss or a gradient was NaN or infinite at step 1;/,
    );
    x.dispose();
    model.dispose();
  });

  it('is off with nanGuard: false', async () => {
    const model = nanAt(3);
    const x = tf.zeros([2, 1]);
    const result = await fit(model, x, { steps: 5, nanGuard: false, optimizer: tf.train.sgd(0.1) });
    expect(result.step).toBe(5);
    expect(Number.isNaN(result.history.at(-1)!.loss)).toBe(true);
    x.dispose();
    model.dispose();
  });

  it('guards fitAdversarial too', async () => {
    const model = new QuadraticGame(false);
    const generatorLoss = model.generatorLoss.bind(model);
    let calls = 0;
    model.generatorLoss = (n) =>
      tf.tidy(() => tf.mul(generatorLoss(n), ++calls === 4 ? Number.POSITIVE_INFINITY : 1));
    const x = tf.ones([6, 1]);
    await expect(
      fitAdversarial(model, x, { steps: 20, batchSize: 2, logEvery: 5 }),
    ).rejects.toThrow(/fitAdversarial: the loss or a gradient was NaN or infinite at step 4;/);
    x.dispose();
    model.dispose();
  });
});
