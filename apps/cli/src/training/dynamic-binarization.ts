import { batches, Rng } from '@gen/core';
import { bernoulliBinarize } from '@gen/data';
import type * as tf from '@tensorflow/tfjs-core';

export interface DynamicBinarizationOptions {
  batchSize: number;
  /** Shuffles the rows and draws the binarisations (its state now fixes the whole stream). */
  rng: Rng;
  /** The epoch of the first pass: 0 for a new run, the checkpoint's epoch when resuming. */
  firstEpoch: number;
}

/**
 * Dynamic binarisation of grey images `x` (Salakhutdinov & Murray, 2008): the training batches
 * as an iterable whose every pass is one epoch of `batches(x, { map: bernoulliBinarize })`, so
 * each batch is a fresh Bernoulli draw of its grey rows. Batch `i` of epoch `e` is a pure
 * function of the Rng state and `(e, i)`, and the trainer replays a checkpoint's position by
 * starting the pass of its epoch and skipping the batches already used, so a resumed run given
 * the checkpoint's epoch as `firstEpoch` sees exactly the batches of the uninterrupted run.
 * Batches come from `take()`: the trainer owns and disposes them (it reads one batch ahead).
 */
export function dynamicBinarization(
  x: tf.Tensor,
  options: DynamicBinarizationOptions,
): Iterable<tf.Tensor> {
  const { batchSize } = options;
  const state = options.rng.getState();
  let epoch = options.firstEpoch;
  return {
    [Symbol.iterator]() {
      const pass = batches(x, {
        batchSize,
        rng: Rng.fromState(state),
        epochs: epoch + 1,
        start: { epoch, index: 0 },
        map: bernoulliBinarize,
      });
      epoch += 1;
      return (function* () {
        for (let batch = pass.take(); batch !== undefined; batch = pass.take()) yield batch;
      })();
    },
  };
}
