import type { EmModel } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';
import { runToEnd } from './fit.js';
import type { EmObjectiveOptions } from './objectives/em-objective.js';
import type { CommonOptions } from './options.js';
import { makeTrainer } from './trainer.js';
import type { FitResult } from './types.js';

/**
 * Options of {@link fitEm}: `steps` (the most EM iterations, default 100) or `epochs` (the same
 * thing: every iteration is a pass), `tolerance`, callbacks, `logEvery`, `signal`, `checkpoint`
 * and `resume`.
 */
export type FitEmOptions = Pick<
  CommonOptions,
  'steps' | 'epochs' | 'rng' | 'callbacks' | 'logEvery' | 'signal' | 'checkpoint' | 'resume'
> &
  EmObjectiveOptions;

/**
 * Fits a model by expectation-maximisation (an {@link EmModel} such as `GaussianMixture` of
 * @gen/mixture): `model.initialize(x)` unless resuming, then one `model.emStep(x)` per step on
 * all of `x` until `steps` or until the per-example lower bound changes by less than `tolerance`
 * (`stopReason: 'converged'`). The history's `loss` is the negative lower bound. Checkpoints
 * (weights, the model's `getState()`, the last lower bound) are written atomically like `fit`'s,
 * and a resumed run ends exactly where the uninterrupted one would.
 *
 * ```ts
 * const gm = new GaussianMixture({ components: 8, covariance: 'full', seed: 0 });
 * const { stopReason, history } = await fitEm(gm, x, { steps: 200, tolerance: 1e-4 });
 * ```
 */
export async function fitEm(
  model: EmModel,
  data: tf.Tensor,
  options: FitEmOptions = {},
): Promise<FitResult> {
  return runToEnd(makeTrainer('fitEm', 'em', model, data, options));
}
