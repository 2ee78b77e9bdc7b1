import * as tf from '@tensorflow/tfjs-core';

/** Sums the `k` rightmost axes of `t` (returns `t` itself for k = 0). */
export function sumRightmost(t: tf.Tensor, k: number): tf.Tensor {
  if (k <= 0) return t;
  const axes = Array.from({ length: k }, (_, i) => t.rank - k + i);
  return tf.sum(t, axes);
}

/** Parameters of `part` (if it exposes any), with names prefixed by `prefix.`. */
export function prefixedParams(prefix: string, part: unknown): Record<string, tf.Tensor> {
  const params = (part as { params?: Record<string, tf.Tensor> }).params ?? {};
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [`${prefix}.${k}`, v]));
}

/** Disposes `part` if it has a `dispose` method (composites own the parts they are given). */
export function disposePart(part: unknown): void {
  (part as { dispose?: () => void }).dispose?.();
}
