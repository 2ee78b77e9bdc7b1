import {
  assertFiniteTensorAsync,
  assertNonNegative,
  type Batch,
  type EmModel,
  FormatError,
  InvalidArgumentError,
  invalidArgument,
  isConditionalBatch,
  withoutFiniteChecks,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainingData } from '../data/batch-source.js';
import { WholeSource } from '../data/whole-source.js';
import type { LoopSpec } from '../loop.js';
import type { LoopConfig } from '../options.js';

/** The options of the EM objective (`fitEm`, `createTrainer` with `kind: 'em'`). */
export interface EmObjectiveOptions {
  /**
   * Stop with `stopReason: 'converged'` once the per-example lower bound changes by less than
   * this between two iterations (default 1e-3, scikit-learn's `tol`).
   */
  tolerance?: number;
}

export const EM_KEYS = ['tolerance'] as const;

/** Whether `m` has the members of an {@link EmModel}. */
export function isEmModel(m: unknown): m is EmModel {
  const e = m as Partial<EmModel> | null;
  return (
    e !== null &&
    typeof e === 'object' &&
    typeof e.emStep === 'function' &&
    typeof e.getWeights === 'function' &&
    typeof e.setWeights === 'function'
  );
}

/**
 * Expectation-maximisation on all of the data: every step is one `model.emStep(x)`, the history's
 * `loss` is the negative per-example lower bound, a fresh run first calls `model.initialize(x)`,
 * and checkpoints carry the last lower bound so a resumed run stops where the uninterrupted one
 * would.
 */
export function emObjective(
  model: EmModel,
  data: TrainingData<Batch>,
  options: EmObjectiveOptions,
  config: LoopConfig,
): LoopSpec & { source: WholeSource } {
  const { fn } = config;
  if (!isEmModel(model)) {
    throw invalidArgument(fn, 'model', model, 'must have emStep(x), getWeights and setWeights');
  }
  if (isConditionalBatch(data)) {
    throw new InvalidArgumentError(
      `${fn}: argument 'data' must be a tensor [n, ...] (EM models take no condition), got { x, condition }`,
    );
  }
  if (!(data instanceof tf.Tensor)) {
    throw invalidArgument(fn, 'data', data, 'must be a tensor [n, ...] (EM uses all rows at once)');
  }
  const tolerance = options.tolerance ?? 1e-3;
  assertNonNegative(fn, 'tolerance', tolerance);
  let previous: number | undefined;
  let converged = false;
  return {
    kind: 'fitEm',
    model,
    metrics: ['loss'],
    optimizers: {},
    batchesPerStep: 1,
    settings: { rows: data.shape[0]! },
    source: new WholeSource(data),
    async prepare() {
      await assertFiniteTensorAsync(fn, 'data', data);
    },
    async initialize() {
      await model.initialize?.(data);
    },
    async step(batches, _rngs, meter) {
      // The data was checked for NaN/±Inf before the first step; the synchronous part of emStep
      // (where a model checks its input) skips the per-call check.
      const { lowerBound } = await withoutFiniteChecks(() => model.emStep(batches[0] as tf.Tensor));
      const value = tf.scalar(-lowerBound);
      meter.add('loss', value);
      value.dispose();
      converged = previous !== undefined && Math.abs(lowerBound - previous) < tolerance;
      previous = lowerBound;
      return converged ? 'converged' : undefined;
    },
    ended: () => (converged ? 'converged' : undefined),
    getState: () => ({ previousLowerBound: previous ?? null, converged }),
    setState(state) {
      const s = state as { previousLowerBound?: unknown; converged?: unknown } | undefined;
      const value = s?.previousLowerBound;
      if ((value !== null && typeof value !== 'number') || typeof s?.converged !== 'boolean') {
        throw new FormatError(`${fn}: the checkpoint lacks EM's last lower bound`);
      }
      previous = value ?? undefined;
      converged = s.converged;
    },
    dispose() {},
  };
}
