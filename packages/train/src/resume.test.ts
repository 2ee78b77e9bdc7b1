import { type ConditionalBatch, Rng } from '@gen/core';
import { describeBackends } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Gan1d } from '../test/games.js';
import { ClassMeansModel, GaussianModel, labelledBlobs, weightsOf } from '../test/models.js';
import { earlyStopping } from './callbacks/early-stopping.js';
import { type CheckpointStore, memoryCheckpointStore } from './checkpoint/store.js';
import type { FitOptions } from './fit.js';
import { fit } from './fit.js';
import { type FitAdversarialOptions, fitAdversarial } from './fit-adversarial.js';
import { cosineDecay } from './schedules.js';
import type { Callback } from './types.js';

/** A callback that aborts the run after `step`, as a killed process would stop. */
function abortAfter(step: number): { signal: AbortSignal; callback: Callback } {
  const controller = new AbortController();
  return {
    signal: controller.signal,
    callback: { onStepEnd: (e) => void (e.step === step && controller.abort()) },
  };
}

describeBackends('exact resume in one process', () => {
  it('fit: stopped mid-epoch and resumed into fresh objects = the uninterrupted run, bitwise', async () => {
    const data = Rng.fromSeed(4).normal([50, 2], 1, 2);
    const held = Rng.fromSeed(5).normal([10, 2], 1, 2);
    // 7 batches per epoch; a schedule, validation and a stateful callback must all carry over.
    const options = (store: CheckpointStore, extra: Callback[] = []): FitOptions => ({
      epochs: 6,
      batchSize: 8,
      rng: Rng.fromSeed(7),
      logEvery: 1,
      learningRate: cosineDecay({ initial: 0.05, steps: 42 }),
      validation: { data: held, every: 5 },
      callbacks: [earlyStopping({ patience: 100 }), ...extra],
      checkpoint: { store, every: 10 },
    });
    const straight = new GaussianModel(2);
    const full = await fit(straight, data, options(memoryCheckpointStore()));

    const store = memoryCheckpointStore();
    const stop = abortAfter(17);
    const first = new GaussianModel(2);
    const part = await fit(first, data, {
      ...options(store, [stop.callback]),
      signal: stop.signal,
    });
    expect(part).toMatchObject({ step: 17, epoch: 2, stopReason: 'aborted' });
    expect(await store.list()).toEqual([10, 17]);
    const resumed = new GaussianModel(2, { mean: 5, logScale: 1 });
    const rest = await fit(resumed, data, { ...options(store), resume: store });

    expect(rest).toEqual(full);
    expect(rest).toMatchObject({ step: 42, epoch: 6, stopReason: 'completed' });
    expect(await weightsOf(resumed)).toEqual(await weightsOf(straight));
    tf.dispose([data, held]);
    for (const m of [straight, first, resumed]) m.dispose();
  });

  it('fitAdversarial with k = 2 and Rng-driven losses resumes bitwise', async () => {
    const real = Rng.fromSeed(2).normal([40, 1], 3, 0.5);
    const options = (store: CheckpointStore): FitAdversarialOptions => ({
      steps: 24,
      batchSize: 16,
      discriminatorSteps: 2,
      rng: Rng.fromSeed(9),
      logEvery: 1,
      checkpoint: { store, every: 5 },
    });
    const straight = new Gan1d(1, 8);
    const full = await fitAdversarial(straight, real, options(memoryCheckpointStore()));
    const store = memoryCheckpointStore();
    const stop = abortAfter(13);
    const first = new Gan1d(1, 8);
    await fitAdversarial(first, real, {
      ...options(store),
      signal: stop.signal,
      callbacks: [stop.callback],
    });
    const resumed = new Gan1d(2, 8);
    const rest = await fitAdversarial(resumed, real, { ...options(store), resume: store });
    expect(rest).toEqual(full);
    expect(await weightsOf(resumed)).toEqual(await weightsOf(straight));
    real.dispose();
    for (const m of [straight, first, resumed]) m.dispose();
  });

  it('an iterable that replays its batches resumes at the same batch', async () => {
    const passes = {
      *[Symbol.iterator]() {
        const rng = Rng.fromSeed(11);
        for (let i = 0; i < 5; i++) yield rng.normal([4, 2]);
      },
    };
    const options = (store: CheckpointStore): FitOptions => ({
      epochs: 3,
      logEvery: 1,
      checkpoint: { store, every: 4 },
    });
    const straight = new GaussianModel(2);
    const full = await fit(straight, passes, options(memoryCheckpointStore()));
    expect(full).toMatchObject({ step: 15, epoch: 3 });
    const store = memoryCheckpointStore();
    const stop = abortAfter(7);
    const first = new GaussianModel(2);
    await fit(first, passes, {
      ...options(store),
      signal: stop.signal,
      callbacks: [stop.callback],
    });
    const resumed = new GaussianModel(2);
    const rest = await fit(resumed, passes, { ...options(store), resume: store });
    expect(rest).toEqual(full);
    expect(await weightsOf(resumed)).toEqual(await weightsOf(straight));
    for (const m of [straight, first, resumed]) m.dispose();
  });

  it('fit on { x, condition } data with { x, condition } validation resumes bitwise', async () => {
    const blobs = labelledBlobs(Rng.fromSeed(12), 30, 3);
    const held = labelledBlobs(Rng.fromSeed(13), 9, 3);
    const data = { x: blobs.x, condition: blobs.condition };
    // 5 batches per epoch (the last holds 2), 25 steps; stopped at 8, in the second epoch.
    const options = (store: CheckpointStore): FitOptions<ConditionalBatch> => ({
      epochs: 5,
      batchSize: 7,
      rng: Rng.fromSeed(14),
      logEvery: 1,
      learningRate: cosineDecay({ initial: 0.1, steps: 25 }),
      validation: { data: { x: held.x, condition: held.condition }, every: 4, batchSize: 4 },
      checkpoint: { store, every: 6 },
    });
    const straight = new ClassMeansModel(3, 2);
    const full = await fit(straight, data, options(memoryCheckpointStore()));
    const store = memoryCheckpointStore();
    const stop = abortAfter(8);
    const first = new ClassMeansModel(3, 2);
    await fit(first, data, { ...options(store), signal: stop.signal, callbacks: [stop.callback] });
    expect(await store.list()).toEqual([6, 8]);
    const resumed = new ClassMeansModel(3, 2, { init: 5 });
    const rest = await fit(resumed, data, { ...options(store), resume: store });
    expect(rest).toEqual(full);
    expect(rest).toMatchObject({ step: 25, epoch: 5, stopReason: 'completed' });
    expect(await weightsOf(resumed)).toEqual(await weightsOf(straight));

    // A checkpoint of a run on the examples alone does not resume a conditional run.
    const plain = memoryCheckpointStore();
    const gaussian = new GaussianModel(2);
    await fit(gaussian, blobs.x, {
      steps: 2,
      batchSize: 7,
      checkpoint: { store: plain, every: 2 },
    });
    await expect(fit(resumed, data, { steps: 4, batchSize: 7, resume: plain })).rejects.toThrow(
      "fit: argument 'resume' was written with conditionSize undefined, but this run has conditionSize 3",
    );
    tf.dispose([blobs.x, blobs.condition, held.x, held.condition]);
    for (const m of [straight, first, resumed, gaussian]) m.dispose();
  });
});
