import { initBackend, NumericalError, Rng, type Trainable } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChunkTrainer, meanLoss } from './chunk-trainer.js';

let made = 0;

/** loss = mean((x − w)²) · scale, so the loss of a batch is known in closed form. */
function meanSquare(scale: number): Trainable {
  made += 1;
  const init = tf.zeros([2]);
  const w = tf.variable(init, true, `chunk-trainer-w${made}`);
  init.dispose();
  return {
    trainableVariables: [w],
    loss: (batch) => tf.tidy(() => tf.mul(tf.mean(tf.square(tf.sub(batch, w))), scale)),
    getWeights: () => ({ w: w.clone() }),
    setWeights: (weights) => w.assign(weights.w!),
    dispose: () => w.dispose(),
  };
}

describe('ChunkTrainer (wasm)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('measures before training, reads one row per chunk and frees every tensor', async () => {
    const start = tf.memory().numTensors;
    const model = meanSquare(1);
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const frozen = tf.train.sgd(0);
    const rows: number[] = [];
    const training = new ChunkTrainer(
      model,
      {
        batchSize: 4,
        optimizer: frozen,
        callbacks: [{ onStepEnd: ({ logs }) => void (logs && rows.push(logs.step)) }],
      },
      { fromRow: (row) => row.loss!, measure: meanLoss(model) },
      5,
    );
    // w = 0: mean(x²) = (1 + 4 + … + 64) / 8 = 25.5.
    expect(await training.train(x, 0, Rng.fromSeed(1))).toBeCloseTo(25.5, 5);
    // Learning rate 0: every full batch has the same loss, so the chunk's mean is 25.5 too.
    expect(await training.train(x, 10, Rng.fromSeed(1))).toBeCloseTo(25.5, 5);
    expect(rows).toEqual([5, 10]);
    training.dispose();
    frozen.dispose();
    model.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('surfaces a NaN loss as a NumericalError naming the step', async () => {
    const model = meanSquare(Number.NaN);
    const x = tf.ones([8, 2]);
    const training = new ChunkTrainer(
      model,
      { batchSize: 4 },
      { fromRow: (row) => row.loss!, measure: meanLoss(model) },
      2,
    );
    const rejected = training.train(x as tf.Tensor2D, 4, Rng.fromSeed(0));
    await expect(rejected).rejects.toBeInstanceOf(NumericalError);
    await expect(rejected).rejects.toThrow(/NaN or infinite at step 1/);
    training.dispose();
    model.dispose();
    x.dispose();
  });

  it('refuses another data tensor than the first call’s', async () => {
    const model = meanSquare(1);
    const x = tf.ones([8, 2]) as tf.Tensor2D;
    const y = tf.ones([8, 2]) as tf.Tensor2D;
    const training = new ChunkTrainer(
      model,
      { batchSize: 4 },
      { fromRow: (row) => row.loss!, measure: meanLoss(model) },
      2,
    );
    await training.train(x, 2, Rng.fromSeed(0));
    await expect(training.train(y, 2, Rng.fromSeed(0))).rejects.toThrow(
      /ChunkTrainer.train: argument 'x'.*must be the tensor of the first call/,
    );
    training.dispose();
    model.dispose();
    tf.dispose([x, y]);
  });
});
