import type { AdversarialModel, Batch } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { TrainingData } from './data/batch-source.js';
import { runToEnd } from './fit.js';
import type { AdversarialObjectiveOptions } from './objectives/adversarial-objective.js';
import type { CommonOptions } from './options.js';
import { makeTrainer } from './trainer.js';
import type { FitResult } from './types.js';

/** Options of {@link fitAdversarial}: the common ones plus the two players' settings. */
export interface FitAdversarialOptions extends CommonOptions, AdversarialObjectiveOptions {}

/**
 * Trains an {@link AdversarialModel} with the GAN loop of Goodfellow et al. (2014, Algorithm 1):
 * each step makes k = `discriminatorSteps` updates of the discriminator variables on
 * `discriminatorLoss(real, rng)`, each on a fresh real batch and each followed by the model's
 * `afterDiscriminatorStep()` (weight clipping, schedule counters), then one update of the
 * generator variables on `generatorLoss(n, rng)`, where n is the size of the last real batch.
 * The two players have separate optimisers; only their own variables move. `steps` counts
 * generator updates; an epoch is a pass over the real data. History rows hold
 * `discriminatorLoss` (the mean over the discriminator updates) and `generatorLoss`. Callbacks,
 * schedules, clipping, the NaN guard, abort and exactly resumable checkpoints (the model's
 * `getState()` included) work as in `fit`.
 *
 * With conditional data `{ x, condition }` (or an iterable of such batches) the discriminator
 * gets `discriminatorLoss({ x, condition }, rng)` and the generator
 * `generatorLoss(n, rng, { condition })` with the condition rows of the last real batch, so a
 * conditional GAN makes fakes of the same labels; tensor data keeps `generatorLoss(n, rng)`.
 *
 * ```ts
 * const { history } = await fitAdversarial(gan, x, { steps: 2000, batchSize: 64, discriminatorSteps: 2 });
 * ```
 */
export async function fitAdversarial<B extends Batch = tf.Tensor>(
  model: AdversarialModel<B>,
  data: TrainingData<B>,
  options: FitAdversarialOptions,
): Promise<FitResult> {
  return runToEnd(makeTrainer('fitAdversarial', 'adversarial', model, data, options));
}
