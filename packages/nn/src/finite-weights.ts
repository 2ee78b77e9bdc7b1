import { allOnHost, assertFiniteTensor, finiteChecksEnabled } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Throws `InvalidArgumentError` naming `fn` and the weight (`arg(name)`) when a float32
 * tensor of `weights` holds NaN or ±Inf, so a diverged or corrupted set of weights is refused
 * instead of silently making every output NaN. One reduction over all tensors and a single read,
 * then a per-tensor pass only to name the culprit. Off with `setFiniteChecks(false)`.
 */
export function assertFiniteWeights(
  fn: string,
  weights: Readonly<Record<string, tf.Tensor>>,
  arg: (name: string) => string = (name) => `weights['${name}']`,
): void {
  if (!finiteChecksEnabled()) return;
  const checked = Object.values(weights).filter((t) => t.dtype === 'float32' && t.size > 0);
  if (checked.length === 0) return;
  // x − x is 0 exactly for finite x, NaN for NaN and ±Inf.
  if (allOnHost(() => tf.concat(checked.map((t) => tf.reshape(tf.equal(tf.sub(t, t), 0), [-1]))))) {
    return;
  }
  for (const [name, t] of Object.entries(weights)) assertFiniteTensor(fn, arg(name), t);
}
