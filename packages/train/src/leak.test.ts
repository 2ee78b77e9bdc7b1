import { initBackend, Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { QuadraticGame, RecordingGame } from '../test/games.js';
import { ClassMeansModel, GaussianModel, labelledBlobs } from '../test/models.js';
import { earlyStopping } from './callbacks/early-stopping.js';
import { memoryCheckpointStore } from './checkpoint/store.js';
import { fit } from './fit.js';
import { fitAdversarial } from './fit-adversarial.js';
import { cosineDecay } from './schedules.js';
import type { Callback } from './types.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** Records tf.memory().numTensors after every step. */
function tensorCounter(): Callback & { counts: number[] } {
  const counts: number[] = [];
  return { counts, onStepEnd: () => void counts.push(tf.memory().numTensors) };
}

describe('no tensor leaks', () => {
  it('fit: 1000 steps with validation, schedule, clipping and checkpoints leave numTensors unchanged, step by step', async () => {
    const x = Rng.fromSeed(1).normal([64, 2]);
    const held = Rng.fromSeed(2).normal([16, 2]);
    const model = new GaussianModel(2);
    const counter = tensorCounter();
    const before = tf.memory().numTensors;
    const result = await fit(model, x, {
      steps: 1000,
      batchSize: 16,
      clipNorm: 1,
      learningRate: cosineDecay({ initial: 0.01, steps: 1000 }),
      validation: { data: held, every: 100, batchSize: 5 },
      checkpoint: { store: memoryCheckpointStore({ keep: 1 }), every: 250 },
      callbacks: [counter, earlyStopping({ patience: 1000 })],
    });
    expect(result.step).toBe(1000);
    expect(tf.memory().numTensors).toBe(before);
    // From the first step on (when Adam creates its slots) the count never moves.
    expect(new Set(counter.counts).size).toBe(1);
    tf.dispose([x, held]);
    model.dispose();
  });

  it('fit on an iterable of fresh batches disposes every batch it takes', async () => {
    const model = new GaussianModel(2);
    const rng = Rng.fromSeed(3);
    async function* fresh() {
      for (;;) yield rng.normal([8, 2]);
    }
    const counter = tensorCounter();
    const before = tf.memory().numTensors;
    await fit(model, fresh(), { steps: 200, callbacks: [counter] });
    expect(tf.memory().numTensors).toBe(before);
    expect(new Set(counter.counts).size).toBe(1);
    model.dispose();
  });

  it('fitAdversarial: 1000 steps with k = 2 and checkpoints leave numTensors unchanged, step by step', async () => {
    const x = Rng.fromSeed(4).normal([40, 1]);
    const model = new QuadraticGame(false);
    const counter = tensorCounter();
    const before = tf.memory().numTensors;
    const result = await fitAdversarial(model, x, {
      steps: 1000,
      batchSize: 8,
      discriminatorSteps: 2,
      clipValue: 10,
      checkpoint: { store: memoryCheckpointStore({ keep: 1 }), every: 250 },
      callbacks: [counter],
    });
    expect(result.step).toBe(1000);
    expect(tf.memory().numTensors).toBe(before);
    expect(new Set(counter.counts).size).toBe(1);
    x.dispose();
    model.dispose();
  });

  it('fit on { x, condition } data with chunked { x, condition } validation and checkpoints leaves numTensors unchanged, step by step', async () => {
    const data = labelledBlobs(Rng.fromSeed(5), 40, 4);
    const held = labelledBlobs(Rng.fromSeed(6), 10, 4);
    const model = new ClassMeansModel(4, 2);
    const counter = tensorCounter();
    const before = tf.memory().numTensors;
    const result = await fit(
      model,
      { x: data.x, condition: data.condition },
      {
        steps: 200,
        batchSize: 16,
        validation: { data: { x: held.x, condition: held.condition }, every: 50, batchSize: 3 },
        checkpoint: { store: memoryCheckpointStore({ keep: 1 }), every: 50 },
        callbacks: [counter],
      },
    );
    expect(result.step).toBe(200);
    expect(tf.memory().numTensors).toBe(before);
    expect(new Set(counter.counts).size).toBe(1);
    tf.dispose([data.x, data.condition, held.x, held.condition]);
    model.dispose();
  });

  it('fit on an iterable of fresh { x, condition } batches disposes both tensors of every batch', async () => {
    const model = new ClassMeansModel(3, 2);
    const rng = Rng.fromSeed(7);
    async function* fresh() {
      for (;;) {
        const { x, condition } = labelledBlobs(rng, 6, 3);
        yield { x, condition };
      }
    }
    const counter = tensorCounter();
    const before = tf.memory().numTensors;
    await fit(model, fresh(), { steps: 100, callbacks: [counter] });
    expect(tf.memory().numTensors).toBe(before);
    expect(new Set(counter.counts).size).toBe(1);
    model.dispose();
  });

  it('fitAdversarial on { x, condition } data with k = 2 and checkpoints leaves numTensors unchanged, step by step', async () => {
    const data = labelledBlobs(Rng.fromSeed(8), 40, 4);
    const model = new RecordingGame();
    const counter = tensorCounter();
    const before = tf.memory().numTensors;
    const result = await fitAdversarial(
      model,
      { x: data.x, condition: data.condition },
      {
        steps: 200,
        batchSize: 8,
        discriminatorSteps: 2,
        checkpoint: { store: memoryCheckpointStore({ keep: 1 }), every: 50 },
        callbacks: [counter],
      },
    );
    expect(result.step).toBe(200);
    expect(model.generatorCalls.at(-1)!.condition).toHaveLength(8);
    expect(tf.memory().numTensors).toBe(before);
    expect(new Set(counter.counts).size).toBe(1);
    tf.dispose([data.x, data.condition]);
    model.dispose();
  });
});
