import type { Batch, Trainable } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { TrainingData } from './data/batch-source.js';
import type { LossObjectiveOptions } from './objectives/loss-objective.js';
import type { CommonOptions } from './options.js';
import { makeTrainer } from './trainer.js';
import type { FitResult, TrainerStatus } from './types.js';

/**
 * Options of {@link fit}: the common ones plus an optimiser and validation data (of the model's
 * batch type `B`).
 */
export interface FitOptions<B extends Batch = tf.Tensor>
  extends CommonOptions,
    LossObjectiveOptions<B> {}

/** @internal Runs a trainer to its end and disposes it. */
export async function runToEnd(trainer: {
  run(): Promise<TrainerStatus>;
  dispose(): void;
}): Promise<FitResult> {
  try {
    const { history, step, epoch, stopReason } = await trainer.run();
    return { history, step, epoch, stopReason: stopReason! };
  } finally {
    trainer.dispose();
  }
}

/**
 * Trains any {@link Trainable} by minimising `model.loss(batch, rng)` with one optimiser
 * (Adam with ε = 1e-7 by default), the loop users of Keras' `fit` expect: mini-batches of a
 * tensor in a fresh Rng-drawn order every epoch (or the batches of any iterable), `steps` or
 * `epochs` counted from the first run, gradient clipping, learning-rate schedules, validation,
 * callbacks, `AbortSignal`, a NaN/Inf guard, and atomic checkpoints (weights, optimiser, Rng,
 * data position and the model's `getState()`) that a later run — in another process — resumes
 * bitwise exactly. Losses accumulate on the device and are read once every `logEvery` steps.
 * The default optimiser is disposed at the end; one you pass stays yours. It is
 * `createTrainer(model, data, options).run()` to the end.
 *
 * A conditional model (`B` = `ConditionalBatch`) takes `data` as `{ x, condition }` (or an
 * iterable of such batches): `x` and `condition` are shuffled and sliced together, and `loss`
 * receives `{ x, condition }` batches; `validation.data` is then `{ x, condition }` too.
 *
 * ```ts
 * const { history } = await fit(model, x, { epochs: 20, batchSize: 64, learningRate: 1e-2 });
 * history.at(-1); // { step: 320, epoch: 20, loss: 1.41 }
 * await fit(cvae, { x: images, condition: oneHotLabels }, { epochs: 10, batchSize: 64 });
 * ```
 */
export async function fit<B extends Batch = tf.Tensor>(
  model: Trainable<B>,
  data: TrainingData<B>,
  options: FitOptions<B>,
): Promise<FitResult> {
  return runToEnd(makeTrainer('fit', 'loss', model, data, options));
}
