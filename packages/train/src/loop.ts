import type { HasWeights, Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { learningRateScheduler } from './callbacks/learning-rate-scheduler.js';
import type { CheckpointStore } from './checkpoint/store.js';
import {
  captureTraining,
  restoreTraining,
  type TrainingHeader,
} from './checkpoint/training-state.js';
import type { TrainingData } from './data/batch-source.js';
import { draw, makeSource } from './data/make-source.js';
import { Events, type Progress } from './events.js';
import { Guard } from './guard.js';
import { Meter } from './meter.js';
import { captureOptimizer } from './optimizer-state.js';
import type { LoopConfig } from './options.js';
import { resolveStore } from './resolve-store.js';
import type { FitResult, HistoryEntry, StopReason } from './types.js';

/** What distinguishes `fit` from `fitAdversarial`. */
export interface LoopSpec {
  model: HasWeights;
  metrics: readonly string[];
  optimizers: Record<string, tf.Optimizer>;
  /** Batches one step consumes (k for the adversarial loop). */
  batchesPerStep: number;
  /** Settings a checkpoint must agree with to be resumed. */
  settings: TrainingHeader['settings'];
  /** One training step: adds its losses to `meter` and flags non-finite values under `step`. */
  step(batches: tf.Tensor[], rngs: Readonly<Record<string, Rng>>, meter: Meter, step: number): void;
  validation?: { every: number; loss(rng: Rng): tf.Scalar };
}

/**
 * The loop both trainers share: batches, steps, on-device loss accumulation read every
 * `logEvery` steps, NaN guard, validation, callbacks, abort, checkpoints and exact resume.
 */
export async function runLoop(
  spec: LoopSpec,
  config: LoopConfig,
  data: TrainingData,
): Promise<FitResult> {
  const { fn } = config;
  const [dataRng, lossRng, validationRng] = config.rng.split(3);
  const rngs: Record<string, Rng> = { loss: lossRng!, validation: validationRng! };
  const source = makeSource(fn, data, config.batchSize, config.shuffle, dataRng!);
  const meter = new Meter(spec.metrics);
  const guard = new Guard(fn, config.nanGuard, spec.model);
  const callbacks = config.learningRate
    ? [learningRateScheduler(config.learningRate), ...config.callbacks]
    : config.callbacks;
  const bpe = source.batchesPerEpoch;
  const totalSteps =
    config.steps ??
    (bpe === undefined ? undefined : Math.ceil((config.epochs! * bpe) / spec.batchesPerStep));
  const progress: Progress = { step: 0, epoch: 0, totalSteps, history: [] };
  const events = new Events(fn, callbacks, spec.optimizers, progress);
  const parts = { model: spec.model, optimizers: spec.optimizers, rngs, callbacks };
  let store: CheckpointStore | undefined;
  let lastSaved: number | undefined;
  try {
    if (config.resume !== undefined) {
      const resumed = await resolveStore(fn, 'resume', config.resume);
      const header = await restoreTraining(fn, resumed, parts, spec.settings);
      await source.restore(header.data);
      Object.assign(progress, { step: header.step, epoch: header.epoch, history: header.history });
      lastSaved = config.checkpoint?.target === config.resume ? header.step : undefined;
    }
    if (config.checkpoint !== undefined) {
      store = await resolveStore(fn, 'checkpoint', config.checkpoint.target);
      // Fail now, not at the first checkpoint, for optimisers tfjs cannot save (Adamax).
      for (const [name, optimizer] of Object.entries(spec.optimizers)) {
        tf.dispose((await captureOptimizer(fn, optimizer, name)).tensors);
      }
    }
    const finished = () =>
      (totalSteps !== undefined && progress.step >= totalSteps) ||
      (config.epochs !== undefined && progress.epoch >= config.epochs);
    const save = async () => {
      const bytes = await captureTraining(parts, {
        fn,
        step: progress.step,
        epoch: progress.epoch,
        settings: spec.settings,
        data: source.position(),
        history: progress.history,
      });
      await store!.save(progress.step, bytes);
      lastSaved = progress.step;
    };
    const read = async (): Promise<HistoryEntry> => {
      const { means, badStep } = await meter.read();
      guard.check(badStep, progress.step, lastSaved);
      const entry: Record<string, number> = {
        step: progress.step,
        epoch: progress.epoch,
        ...means,
      };
      const v = spec.validation;
      if (v !== undefined && progress.step % v.every === 0) {
        const loss = tf.tidy(() => v.loss(rngs.validation!));
        entry.validationLoss = (await loss.data())[0]!;
        loss.dispose();
      }
      progress.history.push(entry as HistoryEntry);
      guard.good(progress.step);
      return entry as HistoryEntry;
    };

    guard.good(progress.step);
    await events.trainBegin();
    let reason: StopReason | undefined =
      events.stopRequested ?? (finished() ? 'completed' : undefined);
    while (reason === undefined) {
      if (config.signal?.aborted) {
        reason = 'aborted';
        break;
      }
      const drawn = await draw(source, spec.batchesPerStep);
      if (drawn === undefined) {
        reason = 'data-exhausted';
        break;
      }
      try {
        spec.step(drawn.batches, rngs, meter, progress.step + 1);
      } finally {
        tf.dispose(drawn.batches);
      }
      progress.step += 1;
      progress.epoch = source.position().epoch;
      const s = progress.step;
      const due = (every: number | undefined) => every !== undefined && s % every === 0;
      const checkpointDue = due(config.checkpoint?.every);
      const readNow =
        due(config.logEvery) || due(spec.validation?.every) || checkpointDue || finished();
      const logs = readNow ? await read() : undefined;
      await events.stepEnd(logs, drawn.epochsEnded);
      reason = events.stopRequested ?? (finished() ? 'completed' : undefined);
      if (checkpointDue) await save();
    }
    if (meter.pending) await read();
    if (store !== undefined && lastSaved !== progress.step && progress.step > 0) await save();
    await events.trainEnd(reason);
    return {
      history: progress.history,
      step: progress.step,
      epoch: progress.epoch,
      stopReason: reason,
    };
  } finally {
    meter.dispose();
    source.dispose();
    guard.dispose();
  }
}
