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
