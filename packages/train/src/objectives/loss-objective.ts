import {
  type Batch,
  type ConditionalBatch,
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
import { assertFiniteData, dataSettings, examplesOf, isTensorData } from '../data/conditional.js';
import { gradientStep, scalarLoss } from '../gradient-step.js';
import type { LoopSpec } from '../loop.js';
import { defaultAdam } from '../optimizer-state.js';
import type { LoopConfig } from '../options.js';
import { assertOptimizer } from '../parse-options.js';
import { parseValidation, type ValidationOptions, validationLoss } from '../validation.js';

/** The options of the loss objective (`fit`, `createTrainer` with `kind: 'loss'`). */
export interface LossObjectiveOptions<B extends Batch = tf.Tensor> {
  /** Any tfjs optimiser (default Adam, learning rate 1e-3, β = (0.9, 0.999), ε = 1e-7). */
  optimizer?: tf.Optimizer;
  validation?: ValidationOptions<B>;
}

export const LOSS_KEYS = ['optimizer', 'validation'] as const;

function assertTrainable(fn: string, model: unknown): asserts model is Trainable<Batch> {
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
  model: Trainable<Batch>,
  data: TrainingData<Batch>,
  options: LossObjectiveOptions<Batch>,
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
  const checked = isTensorData(data);
  const loss = (batch: Batch, rng: Rng) =>
    scalarLoss(`${fn}: model.loss`, () =>
      checked ? withoutFiniteChecks(() => model.loss(batch, rng)) : model.loss(batch, rng),
    );
  if (validation !== undefined && isTensorData(data)) assertLikeData(fn, data, validation.data);
  return {
    kind: 'fit',
    model,
    metrics: ['loss'],
    optimizers: { optimizer },
    batchesPerStep: 1,
    settings: {
      ...dataSettings(data),
      batchSize: config.batchSize ?? null,
      shuffle: config.shuffle,
    },
    async prepare() {
      if (isTensorData(data)) await assertFiniteData(fn, 'data', data);
      if (validation !== undefined) {
        await assertFiniteData(fn, 'validation.data', validation.data);
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
                  `${fn}: model.loss failed on argument 'validation.data' (shape [${examplesOf(validation.data).shape.join(', ')}]): ${(error as Error).message}`,
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

/**
 * Held-out data must look like the training data: rows of the same shape, and a condition of the
 * same width exactly when the training data has one.
 */
function assertLikeData(
  fn: string,
  data: tf.Tensor | ConditionalBatch,
  held: tf.Tensor | ConditionalBatch,
): void {
  const conditional = !(data instanceof tf.Tensor);
  if (conditional !== !(held instanceof tf.Tensor)) {
    throw invalidArgument(
      fn,
      'validation.data',
      held,
      conditional
        ? "must be { x, condition } like 'data'"
        : "must be a tensor like 'data' (which has no condition)",
    );
  }
  const rows = examplesOf(data).shape.slice(1);
  const heldRows = examplesOf(held).shape.slice(1);
  if (!tf.util.arraysEqual(rows, heldRows)) {
    const arg = conditional ? 'validation.data.x' : 'validation.data';
    throw new ShapeMismatchError(
      `${fn}: argument '${arg}' has rows of shape [${heldRows.join(', ')}], but '${conditional ? 'data.x' : 'data'}' has rows of shape [${rows.join(', ')}]`,
    );
  }
  if (!(data instanceof tf.Tensor) && !(held instanceof tf.Tensor)) {
    const [size, heldSize] = [data.condition.shape[1], held.condition.shape[1]];
    if (size !== heldSize) {
      throw new ShapeMismatchError(
        `${fn}: argument 'validation.data.condition' has ${heldSize} columns, but 'data.condition' has ${size}`,
      );
    }
  }
}
