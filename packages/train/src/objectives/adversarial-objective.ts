import {
  type AdversarialModel,
  assertInteger,
  type Batch,
  invalidArgument,
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

/** The options of the adversarial objective (`fitAdversarial`, `kind: 'adversarial'`). */
export interface AdversarialObjectiveOptions {
  /** k, the discriminator updates (each on its own real batch) per generator update (default 1). */
  discriminatorSteps?: number;
  /** Default Adam (1e-3, β = (0.9, 0.999), ε = 1e-7); a separate instance per player. */
  discriminatorOptimizer?: tf.Optimizer;
  generatorOptimizer?: tf.Optimizer;
}

export const ADVERSARIAL_KEYS = [
  'discriminatorSteps',
  'discriminatorOptimizer',
  'generatorOptimizer',
] as const;

const isVariableList = (list: unknown) =>
  Array.isArray(list) &&
  list.length > 0 &&
  list.every((v) => v instanceof tf.Variable && !v.isDisposed);

/** Whether `m` has the members of an {@link AdversarialModel} (live variable lists included). */
export function isAdversarial(m: unknown): m is AdversarialModel<Batch> {
  const a = m as Partial<AdversarialModel<Batch>> | null;
  return (
    a !== null &&
    typeof a === 'object' &&
    typeof a.discriminatorLoss === 'function' &&
    typeof a.generatorLoss === 'function' &&
    typeof a.getWeights === 'function' &&
    typeof a.setWeights === 'function' &&
    isVariableList(a.discriminatorVariables) &&
    isVariableList(a.generatorVariables)
  );
}

/**
 * The GAN loop of Goodfellow et al. (2014, Algorithm 1): k discriminator updates, each on a fresh
 * real batch and each followed by the model's `afterDiscriminatorStep()` (weight clipping,
 * schedule counters), then one generator update on as many fakes as the last real batch.
 */
export function adversarialObjective(
  model: AdversarialModel<Batch>,
  data: TrainingData<Batch>,
  options: AdversarialObjectiveOptions,
  config: LoopConfig,
): LoopSpec {
  const { fn } = config;
  if (!isAdversarial(model)) {
    throw invalidArgument(
      fn,
      'model',
      model,
      'must be an AdversarialModel with live discriminatorVariables and generatorVariables',
    );
  }
  const k = options.discriminatorSteps ?? 1;
  assertInteger(fn, 'discriminatorSteps', k, 1);
  const given = {
    discriminator: options.discriminatorOptimizer,
    generator: options.generatorOptimizer,
  };
  if (given.discriminator !== undefined)
    assertOptimizer(fn, 'discriminatorOptimizer', given.discriminator);
  if (given.generator !== undefined) assertOptimizer(fn, 'generatorOptimizer', given.generator);
  if (given.discriminator !== undefined && given.discriminator === given.generator) {
    throw invalidArgument(
      fn,
      'generatorOptimizer',
      'the discriminator’s optimizer',
      'must be a separate instance',
    );
  }
  const discriminator = given.discriminator ?? defaultAdam();
  const generator = given.generator ?? defaultAdam();
  const guard = config.nanGuard !== false;
  const checked = isTensorData(data);
  const after =
    typeof model.afterDiscriminatorStep === 'function'
      ? () => model.afterDiscriminatorStep!()
      : () => {};
  return {
    kind: 'fitAdversarial',
    model,
    metrics: ['discriminatorLoss', 'generatorLoss'],
    optimizers: { discriminator, generator },
    batchesPerStep: k,
    settings: {
      ...dataSettings(data),
      batchSize: config.batchSize ?? null,
      shuffle: config.shuffle,
      discriminatorSteps: k,
    },
    async prepare() {
      if (isTensorData(data)) await assertFiniteData(fn, 'data', data);
    },
    step(batches, rngs, meter, step) {
      // Every update's finite flag is and-ed into one, checked once: the bad step is the same,
      // and the meter's check costs several kernels where a logical and costs one.
      const flags: tf.Tensor[] = [];
      try {
        for (const real of batches) {
          const d = gradientStep(
            discriminator,
            model.discriminatorVariables,
            scalarLoss(`${fn}: model.discriminatorLoss`, () =>
              // Tensor data was checked for NaN/±Inf before the first step; skip the per-call check.
              checked
                ? withoutFiniteChecks(() => model.discriminatorLoss(real, rngs.loss!))
                : model.discriminatorLoss(real, rngs.loss!),
            ),
            config.clip,
            guard,
          );
          meter.add('discriminatorLoss', d.loss);
          d.loss.dispose();
          flags.push(d.finite);
          after();
        }
        // The fakes match the last real batch: as many, and a conditional GAN's with its labels.
        const last = batches.at(-1)!;
        const n = examplesOf(last).shape[0]!;
        const generatorLoss =
          last instanceof tf.Tensor
            ? () => model.generatorLoss(n, rngs.loss!)
            : () => {
                const options = { condition: last.condition };
                return checked
                  ? withoutFiniteChecks(() => model.generatorLoss(n, rngs.loss!, options))
                  : model.generatorLoss(n, rngs.loss!, options);
              };
        const g = gradientStep(
          generator,
          model.generatorVariables,
          scalarLoss(`${fn}: model.generatorLoss`, generatorLoss),
          config.clip,
          guard,
        );
        meter.add('generatorLoss', g.loss);
        g.loss.dispose();
        flags.push(g.finite);
        const finite = tf.tidy(() => flags.reduce((a, b) => tf.logicalAnd(a, b)));
        meter.check(finite, step);
        finite.dispose();
      } finally {
        tf.dispose(flags);
      }
      return undefined;
    },
    dispose() {
      if (given.discriminator === undefined) discriminator.dispose();
      if (given.generator === undefined) generator.dispose();
    },
  };
}
