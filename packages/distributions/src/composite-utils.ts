import { type Distribution, NotImplementedError } from '@gen/core';
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

/**
 * `part.expand(batchShape)` for a part that has it (every @gen distribution, of any installed
 * copy), else a {@link NotImplementedError} naming `fn` and the argument `what`.
 */
export function expandPart(
  fn: string,
  what: string,
  part: Distribution,
  batchShape: readonly number[],
): Distribution {
  const expand = (part as { expand?: unknown }).expand;
  if (typeof expand !== 'function') {
    throw new NotImplementedError(`${fn}: argument '${what}' has no expand() to broadcast it`);
  }
  return expand.call(part, batchShape) as Distribution;
}
