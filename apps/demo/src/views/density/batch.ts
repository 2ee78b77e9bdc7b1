/** A random minibatch of rows, drawn with replacement by an `Rng` (no Math.random). */
import type { Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** `size` rows of `x` picked uniformly with replacement; the caller owns the result. */
export function randomBatch(x: tf.Tensor2D, size: number, rng: Rng): tf.Tensor2D {
  const n = x.shape[0];
  const indices = new Int32Array(size);
  for (let i = 0; i < size; i += 1) indices[i] = rng.int(n);
  return tf.tidy(() => tf.gather(x, tf.tensor1d(indices, 'int32')));
}

/**
 * Runs `n` optimiser steps of `loss` on random minibatches of `x` and returns the last batch's
 * loss, read with one `await data()` (with `n = 0`, the loss of one batch without a step).
 */
export async function minibatchSteps(
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  loss: (batch: tf.Tensor2D) => tf.Scalar,
  x: tf.Tensor2D,
  { steps, batchSize, rng }: { steps: number; batchSize: number; rng: Rng },
): Promise<number> {
  let last: tf.Scalar | null = null;
  for (let i = 0; i < steps; i += 1) {
    const batch = randomBatch(x, batchSize, rng);
    last?.dispose();
    last = optimizer.minimize(() => loss(batch), true, variables);
    batch.dispose();
  }
  last ??= tf.tidy(() => loss(randomBatch(x, batchSize, rng)));
  const value = (await last.data())[0]!;
  last.dispose();
  return value;
}
