import { type GenerativeModel, invalidArgument, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainingData } from './data/batch-source.js';
import { assertFiniteData } from './finite-data.js';
import { gradientStep, scalarLoss } from './gradient-step.js';
import { runLoop } from './loop.js';
import { defaultAdam } from './optimizer-state.js';
import type { CommonOptions } from './options.js';
import { assertOptimizer, parseCommonOptions } from './parse-options.js';
import type { FitResult } from './types.js';
import { parseValidation, type ValidationOptions, validationLoss } from './validation.js';

/** Options of {@link fit}: the common ones plus an optimiser and validation data. */
export interface FitOptions extends CommonOptions {
  /** Any tfjs optimiser (default Adam, learning rate 1e-3, β = (0.9, 0.999), ε = 1e-7). */
  optimizer?: tf.Optimizer;
  validation?: ValidationOptions;
}

function assertModel(fn: string, model: unknown): asserts model is GenerativeModel {
  const m = model as Partial<GenerativeModel> | null;
  const ok =
    m !== null &&
    typeof m === 'object' &&
    typeof m.loss === 'function' &&
    typeof m.getWeights === 'function' &&
    typeof m.setWeights === 'function' &&
    Array.isArray(m.trainableVariables) &&
    m.trainableVariables.length > 0 &&
    m.trainableVariables.every((v) => v instanceof tf.Variable && !v.isDisposed);
  if (!ok) {
    throw invalidArgument(
      fn,
      'model',
      model,
      'must be a GenerativeModel with live trainableVariables',
    );
  }
}

/**
 * Trains a {@link GenerativeModel} by minimising `model.loss(batch, rng)` with one optimiser
 * (Adam with ε = 1e-7 by default), the loop users of Keras' `fit` expect: mini-batches of a
 * tensor in a fresh Rng-drawn order every epoch (or the batches of any iterable), `steps` or
 * `epochs` counted from the first run, gradient clipping, learning-rate schedules, validation,
 * callbacks, `AbortSignal`, a NaN/Inf guard, and atomic checkpoints that a later run — in
 * another process — resumes bitwise exactly. Losses accumulate on the device and are read once
 * every `logEvery` steps. The default optimiser is disposed at the end; one you pass stays yours.
 *
 * ```ts
 * const { history } = await fit(model, x, { epochs: 20, batchSize: 64, learningRate: 1e-2 });
 * history.at(-1); // { step: 320, epoch: 20, loss: 1.41 }
 * ```
 */
export async function fit(
  model: GenerativeModel,
  data: TrainingData,
  options: FitOptions,
): Promise<FitResult> {
  const fn = 'fit';
  const config = parseCommonOptions(fn, data, options, ['optimizer', 'validation']);
  assertModel(fn, model);
  const validation = parseValidation(fn, options.validation);
  if (options.optimizer !== undefined) assertOptimizer(fn, 'optimizer', options.optimizer);
  if (data instanceof tf.Tensor) await assertFiniteData(fn, 'data', data);
  if (validation !== undefined) await assertFiniteData(fn, 'validation.data', validation.data);
  const optimizer = options.optimizer ?? defaultAdam();
  const variables = model.trainableVariables;
  const guard = config.nanGuard !== false;
  const loss = (batch: tf.Tensor, rng: Rng) =>
    scalarLoss('fit: model.loss', () => model.loss(batch, rng));
  try {
    return await runLoop(
      {
        model,
        metrics: ['loss'],
        optimizers: { optimizer },
        batchesPerStep: 1,
        settings: {
          rows: data instanceof tf.Tensor ? data.shape[0]! : null,
          batchSize: config.batchSize ?? null,
          shuffle: config.shuffle,
        },
        step(batches, rngs, meter, step) {
          const out = gradientStep(
            optimizer,
            variables,
            loss(batches[0]!, rngs.loss!),
            config.clip,
            guard,
          );
          meter.add('loss', out.loss);
          meter.check(out.finite, step);
          tf.dispose([out.loss, out.finite]);
        },
        ...(validation === undefined
          ? {}
          : {
              validation: {
                every: validation.every,
                loss: (rng) => validationLoss(model, validation, rng),
              },
            }),
      },
      config,
      data,
    );
  } finally {
    if (options.optimizer === undefined) optimizer.dispose();
  }
}
