import { invalidArgument } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Rejects a dataset holding NaN or ±Inf before any training (one asynchronous read), so bad data
 * is reported as such instead of as a NaN loss at some step.
 */
export async function assertFiniteData(fn: string, arg: string, x: tf.Tensor): Promise<void> {
  const flag = tf.tidy(() => tf.all(tf.equal(tf.sub(x, x), 0)));
  const ok = (await flag.data())[0] === 1;
  flag.dispose();
  if (!ok) throw invalidArgument(fn, arg, x, 'must not contain NaN or infinite values');
}
