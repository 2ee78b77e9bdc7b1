import { Rng } from '@gen/core';
import {
  adam,
  type CheckpointStore,
  cosineDecay,
  fit,
  fitAdversarial,
  fitEm,
  type HistoryEntry,
  readCheckpoint,
} from '@gen/train';
import { metricsFile } from '@gen/train/node';
import * as tf from '@tensorflow/tfjs-core';
import type { BuiltModel } from '../models/family.js';
import type { RunConfig } from '../run/config.js';
import { dynamicBinarization } from './dynamic-binarization.js';
import type { Progress } from './progress.js';

/** How a training call ended. */
export interface TrainOutcome {
  history: HistoryEntry[];
  step: number;
  stopReason: string;
}

export interface TrainContext {
  config: RunConfig;
  /** Where checkpoints go: a staged run's store, or the checkpoint directory of a resumed run. */
  checkpoint: { store: CheckpointStore } | { dir: string };
  signal: AbortSignal;
  progress: Progress;
  /** Continue from the latest checkpoint in this directory. */
  resume?: string;
  /** Where `metrics.jsonl` goes: a path, or a staged run's current one. */
  metricsLog: string | (() => string);
}

const LOG_EVERY = 10;

/** The epoch of the latest checkpoint in `dir`: where a dynamic binarisation stream continues. */
async function checkpointEpoch(dir: string): Promise<number> {
  const { weights, epoch } = await readCheckpoint(dir);
  tf.dispose(weights);
  return epoch;
}

/**
 * Trains the built model on `x` (already in the model's input shape) to `config.steps` total:
 * `fit` with a cosine learning-rate decay, `fitAdversarial` with Adam(β = 0.5, 0.9) per
 * player, or `fitEm` until the bound moves by less than `options.tolerance`; checkpoints every
 * `checkpointEvery` steps and at the end (also when `signal` aborts); with `resume` it continues
 * from the latest checkpoint exactly as the uninterrupted run would. With `condition` (the
 * one-hot labels of a conditional run) the data are `{ x, condition }` pairs.
 */
export async function trainModel(
  built: BuiltModel,
  x: tf.Tensor,
  condition: tf.Tensor | undefined,
  c: TrainContext,
): Promise<TrainOutcome> {
  // A conditional model trains on rows paired with their one-hot labels; the trainer shuffles
  // and slices both with one permutation.
  const pairs = condition === undefined ? x : { x, condition };
  const { config } = c;
  const trainer = built.trainer;
  const run = {
    steps: config.steps,
    rng: Rng.fromSeed(config.seed),
    signal: c.signal,
    checkpoint: { ...c.checkpoint, every: config.checkpointEvery },
    ...(c.resume === undefined ? {} : { resume: c.resume }),
  };
  if (trainer.kind === 'em') {
    // Every EM iteration already reads its bound back, so each gets a history row.
    const result = await fitEm(trainer.model, x, {
      ...run,
      logEvery: 1,
      tolerance: config.options.tolerance as number,
      callbacks: [c.progress.callback(), metricsFile(c.metricsLog)],
    });
    return { history: result.history, step: result.step, stopReason: result.stopReason };
  }
  const common = { ...run, batchSize: config.batchSize, logEvery: LOG_EVERY };
  if (trainer.kind === 'fit') {
    const learningRate = cosineDecay({
      initial: config.lr,
      steps: config.steps,
      final: config.lr / 20,
    });
    const dynamic = config.binarize === 'dynamic';
    const data = dynamic
      ? dynamicBinarization(x, {
          batchSize: config.batchSize,
          // The trainer's own data Rng (the first of its three splits), so a dynamic run visits
          // the rows in the order a static run of the same seed does.
          rng: Rng.fromSeed(config.seed).split(3)[0]!,
          firstEpoch: c.resume === undefined ? 0 : await checkpointEpoch(c.resume),
        })
      : pairs;
    const { batchSize, ...rest } = common;
    const result = await fit(trainer.model, data, {
      ...rest,
      // An iterable yields its own batches, so the trainer takes no batch size with it.
      ...(dynamic ? {} : { batchSize }),
      learningRate,
      callbacks: [c.progress.callback(), metricsFile(c.metricsLog)],
    });
    return { history: result.history, step: result.step, stopReason: result.stopReason };
  }
  const optimizers = {
    discriminatorOptimizer: adam(config.lr, { beta1: 0.5, beta2: 0.9 }),
    generatorOptimizer: adam(config.lr, { beta1: 0.5, beta2: 0.9 }),
  };
  try {
    const result = await fitAdversarial(trainer.model, pairs, {
      ...common,
      ...optimizers,
      discriminatorSteps: trainer.discriminatorSteps,
      callbacks: [c.progress.callback(), metricsFile(c.metricsLog)],
    });
    return { history: result.history, step: result.step, stopReason: result.stopReason };
  } finally {
    optimizers.discriminatorOptimizer.dispose();
    optimizers.generatorOptimizer.dispose();
  }
}
