import { assertKnownOptions, invalidArgument } from '@gen/core';
import type { Callback, LearningRateSchedule, TrainingEvent } from '../types.js';

export interface LearningRateSchedulerOptions {
  /** Which optimiser to drive ('discriminator' or 'generator' in `fitAdversarial`); default all. */
  optimizer?: string;
}

/**
 * A callback that sets the learning rate to `schedule(t)` before step t (0-based) of every run,
 * resumed ones included, so a schedule needs no state of its own in checkpoints. The `learningRate`
 * option of `fit` is a shorthand for this callback on every optimiser.
 *
 * ```ts
 * await fitAdversarial(gan, x, {
 *   steps: 5000,
 *   callbacks: [learningRateScheduler(cosineDecay({ initial: 2e-4, steps: 5000 }), { optimizer: 'generator' })],
 * });
 * ```
 */
export function learningRateScheduler(
  schedule: LearningRateSchedule,
  options: LearningRateSchedulerOptions = {},
): Callback {
  const fn = 'learningRateScheduler';
  if (typeof schedule !== 'function') {
    throw invalidArgument(fn, 'schedule', schedule, 'must be a function of the step');
  }
  assertKnownOptions(fn, options, ['optimizer']);
  const apply = (event: TrainingEvent) => {
    const lr = schedule(event.step);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw invalidArgument(
        fn,
        'schedule',
        lr,
        `must return a finite number >= 0 (at step ${event.step})`,
      );
    }
    event.setLearningRate(lr, options.optimizer);
  };
  return { onTrainBegin: apply, onStepEnd: apply };
}
