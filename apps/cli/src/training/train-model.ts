import { Rng } from '@gen/core';
import type { GaussianMixture } from '@gen/mixture';
import { cosineDecay, fit, fitAdversarial, type HistoryEntry } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import type { BuiltModel } from '../models/family.js';
import type { RunConfig } from '../run/config.js';
import type { RunPaths } from '../run/run-dir.js';
import { readMixture, saveMixture } from './mixture-store.js';
import type { Progress } from './progress.js';

/** How a training call ended. */
export interface TrainOutcome {
  history: HistoryEntry[];
  step: number;
  stopReason: string;
}

export interface TrainContext {
  config: RunConfig;
  paths: RunPaths;
  signal: AbortSignal;
  progress: Progress;
  /** Continue from the run's latest checkpoint. */
  resume: boolean;
}

const LOG_EVERY = 10;

async function trainEm(gm: GaussianMixture, x: tf.Tensor, c: TrainContext): Promise<TrainOutcome> {
  const tolerance = c.config.options.tolerance as number;
  const saved = c.resume ? readMixture(c.paths.mixtureWeights) : undefined;
  let step = 0;
  let history: HistoryEntry[] = [];
  let done = false;
  if (saved) {
    gm.setWeights(saved.weights);
    tf.dispose(saved.weights);
    ({ step, history, done } = saved.state);
  } else {
    await gm.initialize(x);
  }
  c.progress.start(step);
  let stopReason = 'completed';
  while (!done && step < c.config.steps) {
    if (c.signal.aborted) {
      stopReason = 'aborted';
      break;
    }
    const previous = history.at(-1)?.loss;
    const { lowerBound } = await gm.emStep(x);
    step += 1;
    const row: HistoryEntry = { step, epoch: step, loss: -lowerBound };
    history.push(row);
    c.progress.update(step, row);
    if (previous !== undefined && Math.abs(previous - row.loss!) < tolerance) {
      stopReason = 'converged';
      break;
    }
  }
  done = stopReason !== 'aborted';
  await saveMixture(c.paths.mixtureWeights, gm, { step, done, history });
  return { history, step, stopReason };
}

/**
 * Trains the built model on `x` (already in the model's input shape) to `config.steps` total:
 * `fit` with a cosine learning-rate decay, `fitAdversarial` with Adam(β = 0.5, 0.9) per
 * player, or EM; checkpoints every `checkpointEvery` steps and at the end (also when `signal`
 * aborts); with `resume` it continues from the latest checkpoint exactly as the uninterrupted
 * run would.
 */
export async function trainModel(
  built: BuiltModel,
  x: tf.Tensor,
  c: TrainContext,
): Promise<TrainOutcome> {
  const { config, paths } = c;
  const trainer = built.trainer;
  if (trainer.kind === 'em') return trainEm(trainer.model, x, c);
  const common = {
    steps: config.steps,
    batchSize: config.batchSize,
    rng: Rng.fromSeed(config.seed),
    signal: c.signal,
    logEvery: LOG_EVERY,
    checkpoint: { dir: paths.checkpoints, every: config.checkpointEvery },
    ...(c.resume ? { resume: paths.checkpoints } : {}),
  };
  if (trainer.kind === 'fit') {
    const learningRate = cosineDecay({
      initial: config.lr,
      steps: config.steps,
      final: config.lr / 20,
    });
    const result = await fit(trainer.model, x, {
      ...common,
      learningRate,
      callbacks: [c.progress.callback()],
    });
    return { history: result.history, step: result.step, stopReason: result.stopReason };
  }
  const optimizers = {
    discriminatorOptimizer: tf.train.adam(config.lr, 0.5, 0.9, 1e-7),
    generatorOptimizer: tf.train.adam(config.lr, 0.5, 0.9, 1e-7),
  };
  try {
    const result = await fitAdversarial(trainer.model, x, {
      ...common,
      ...optimizers,
      discriminatorSteps: trainer.discriminatorSteps,
      callbacks: [...trainer.callbacks, c.progress.callback()],
    });
    return { history: result.history, step: result.step, stopReason: result.stopReason };
  } finally {
    optimizers.discriminatorOptimizer.dispose();
    optimizers.generatorOptimizer.dispose();
  }
}
