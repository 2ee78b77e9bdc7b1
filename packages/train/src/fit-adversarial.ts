import { type AdversarialModel, assertInteger, invalidArgument } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainingData } from './data/batch-source.js';
import { assertFiniteData } from './finite-data.js';
import { gradientStep, scalarLoss } from './gradient-step.js';
import { runLoop } from './loop.js';
import { defaultAdam } from './optimizer-state.js';
import type { CommonOptions } from './options.js';
import { assertOptimizer, parseCommonOptions } from './parse-options.js';
import type { FitResult } from './types.js';

/** Options of {@link fitAdversarial}: the common ones plus the two players' settings. */
export interface FitAdversarialOptions extends CommonOptions {
  /** k, the discriminator updates (each on its own real batch) per generator update (default 1). */
  discriminatorSteps?: number;
  /** Default Adam (1e-3, β = (0.9, 0.999), ε = 1e-7); a separate instance per player. */
  discriminatorOptimizer?: tf.Optimizer;
  generatorOptimizer?: tf.Optimizer;
}

const isVariableList = (list: unknown) =>
  Array.isArray(list) &&
  list.length > 0 &&
  list.every((v) => v instanceof tf.Variable && !v.isDisposed);

function assertModel(fn: string, model: unknown): asserts model is AdversarialModel {
  const m = model as Partial<AdversarialModel> | null;
  const ok =
    m !== null &&
    typeof m === 'object' &&
    typeof m.discriminatorLoss === 'function' &&
    typeof m.generatorLoss === 'function' &&
    typeof m.getWeights === 'function' &&
    typeof m.setWeights === 'function' &&
    isVariableList(m.discriminatorVariables) &&
    isVariableList(m.generatorVariables);
  if (!ok) {
    throw invalidArgument(
      fn,
      'model',
      model,
      'must be an AdversarialModel with live discriminatorVariables and generatorVariables',
    );
  }
}

/**
 * Trains an {@link AdversarialModel} with the GAN loop of Goodfellow et al. (2014, Algorithm 1):
 * each step makes k = `discriminatorSteps` updates of the discriminator variables on
 * `discriminatorLoss(real, rng)`, each on a fresh real batch, then one update of the generator
 * variables on `generatorLoss(n, rng)`, where n is the size of the last real batch. The two
 * players have separate optimisers; only their own variables move. `steps` counts generator
 * updates; an epoch is a pass over the real data. History rows hold `discriminatorLoss` (the
 * mean over the discriminator updates) and `generatorLoss`. Callbacks, schedules, clipping,
 * the NaN guard, abort and exactly resumable checkpoints work as in `fit`.
 *
 * ```ts
 * const { history } = await fitAdversarial(gan, x, { steps: 2000, batchSize: 64, discriminatorSteps: 2 });
 * ```
 */
export async function fitAdversarial(
  model: AdversarialModel,
  data: TrainingData,
  options: FitAdversarialOptions,
): Promise<FitResult> {
  const fn = 'fitAdversarial';
  const own = ['discriminatorSteps', 'discriminatorOptimizer', 'generatorOptimizer'];
  const config = parseCommonOptions(fn, data, options, own);
  assertModel(fn, model);
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
  if (data instanceof tf.Tensor) await assertFiniteData(fn, 'data', data);
  const discriminator = given.discriminator ?? defaultAdam();
  const generator = given.generator ?? defaultAdam();
  const guard = config.nanGuard !== false;
  try {
    return await runLoop(
      {
        model,
        metrics: ['discriminatorLoss', 'generatorLoss'],
        optimizers: { discriminator, generator },
        batchesPerStep: k,
        settings: {
          rows: data instanceof tf.Tensor ? data.shape[0]! : null,
          batchSize: config.batchSize ?? null,
          shuffle: config.shuffle,
          discriminatorSteps: k,
        },
        step(batches, rngs, meter, step) {
          for (const real of batches) {
            const d = gradientStep(
              discriminator,
              model.discriminatorVariables,
              scalarLoss(`${fn}: model.discriminatorLoss`, () =>
                model.discriminatorLoss(real, rngs.loss),
              ),
              config.clip,
              guard,
            );
            meter.add('discriminatorLoss', d.loss);
            meter.check(d.finite, step);
            tf.dispose([d.loss, d.finite]);
          }
          const n = batches.at(-1)!.shape[0]!;
          const g = gradientStep(
            generator,
            model.generatorVariables,
            scalarLoss(`${fn}: model.generatorLoss`, () => model.generatorLoss(n, rngs.loss)),
            config.clip,
            guard,
          );
          meter.add('generatorLoss', g.loss);
          meter.check(g.finite, step);
          tf.dispose([g.loss, g.finite]);
        },
      },
      config,
      data,
    );
  } finally {
    if (given.discriminator === undefined) discriminator.dispose();
    if (given.generator === undefined) generator.dispose();
  }
}
