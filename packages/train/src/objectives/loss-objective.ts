import {
  assertFiniteTensorAsync,
  InvalidArgumentError,
  invalidArgument,
  isGenError,
  isTrainable,
  type Rng,
  ShapeMismatchError,
  type Trainable,
  withoutFiniteChecks,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainingData } from '../data/batch-source.js';
import { gradientStep, scalarLoss } from '../gradient-step.js';
import type { LoopSpec } from '../loop.js';
import { defaultAdam } from '../optimizer-state.js';
import type { LoopConfig } from '../options.js';
import { assertOptimizer } from '../parse-options.js';
import { parseValidation, type ValidationOptions, validationLoss } from '../validation.js';

/** The options of the loss objective (`fit`, `createTrainer` with `kind: 'loss'`). */
export interface LossObjectiveOptions {
  /** Any tfjs optimiser (default Adam, learning rate 1e-3, β = (0.9, 0.999), ε = 1e-7). */
  optimizer?: tf.Optimizer;
  validation?: ValidationOptions;
}

export const LOSS_KEYS = ['optimizer', 'validation'] as const;

function assertTrainable(fn: string, model: unknown): asserts model is Trainable {
  if (!isTrainable(model)) {
    throw invalidArgument(
      fn,
      'model',
      model,
      'must be a Trainable (trainableVariables, loss(batch, rng), getWeights, setWeights) with live variables',
    );
  }
}

/** Minimises `model.loss(batch, rng)` with one optimiser: the loop of `fit`. */
export function lossObjective(
  model: Trainable,
  data: TrainingData,
  options: LossObjectiveOptions,
  config: LoopConfig,
): LoopSpec {
  const { fn } = config;
  assertTrainable(fn, model);
  const validation = parseValidation(fn, options.validation);
  if (options.optimizer !== undefined) assertOptimizer(fn, 'optimizer', options.optimizer);
  const optimizer = options.optimizer ?? defaultAdam();
  const variables = model.trainableVariables;
  const guard = config.nanGuard !== false;
  // Tensor data is checked for NaN/±Inf once, before the first step, so the model's own
  // per-call input checks (a read each) are skipped for it; an iterable's batches keep them.
  const checked = data instanceof tf.Tensor;
  const loss = (batch: tf.Tensor, rng: Rng) =>
    scalarLoss(`${fn}: model.loss`, () =>
      checked ? withoutFiniteChecks(() => model.loss(batch, rng)) : model.loss(batch, rng),
    );
  if (validation !== undefined && data instanceof tf.Tensor) {
    const rows = data.shape.slice(1);
    const held = validation.data.shape.slice(1);
    if (!tf.util.arraysEqual(rows, held)) {
      throw new ShapeMismatchError(
        `${fn}: argument 'validation.data' has rows of shape [${held.join(', ')}], but 'data' has rows of shape [${rows.join(', ')}]`,
      );
    }
  }
  return {
    kind: 'fit',
    model,
    metrics: ['loss'],
    optimizers: { optimizer },
    batchesPerStep: 1,
    settings: {
      rows: data instanceof tf.Tensor ? data.shape[0]! : null,
      batchSize: config.batchSize ?? null,
      shuffle: config.shuffle,
    },
    async prepare() {
      if (data instanceof tf.Tensor) await assertFiniteTensorAsync(fn, 'data', data);
      if (validation !== undefined) {
        await assertFiniteTensorAsync(fn, 'validation.data', validation.data);
      }
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
      return undefined;
    },
    ...(validation === undefined
      ? {}
      : {
          validation: {
            every: validation.every,
            loss: (rng: Rng) => {
              try {
                return withoutFiniteChecks(() => validationLoss(model, validation, rng));
              } catch (error) {
                if (isGenError(error)) throw error;
                // A raw tfjs error here means the held-out rows do not fit the model (an
                // iterable's batch width is unknown up front).
                throw new InvalidArgumentError(
                  `${fn}: model.loss failed on argument 'validation.data' (shape [${validation.data.shape.join(', ')}]): ${(error as Error).message}`,
                  { cause: error },
                );
              }
            },
          },
        }),
    dispose() {
      if (options.optimizer === undefined) optimizer.dispose();
    },
  };
}
