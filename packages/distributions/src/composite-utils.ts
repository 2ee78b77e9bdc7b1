import { type Bijector, type Distribution, formatValue, InvalidArgumentError } from '@gen/core';
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

/** Throws unless `d` looks like a {@link Distribution}. */
export function assertDistribution(fn: string, arg: string, d: unknown): asserts d is Distribution {
  const ok =
    typeof d === 'object' &&
    d !== null &&
    typeof (d as Distribution).logProb === 'function' &&
    typeof (d as Distribution).sample === 'function' &&
    Array.isArray((d as Distribution).batchShape) &&
    Array.isArray((d as Distribution).eventShape);
  if (!ok) {
    throw new InvalidArgumentError(
      `${fn}: argument '${arg}' must be a Distribution, got ${formatValue(d)}`,
    );
  }
}

/** Throws unless `b` looks like a {@link Bijector}. */
export function assertBijector(fn: string, arg: string, b: unknown): asserts b is Bijector {
  const ok =
    typeof b === 'object' &&
    b !== null &&
    typeof (b as Bijector).forwardAndLogDet === 'function' &&
    typeof (b as Bijector).inverseAndLogDet === 'function' &&
    Number.isInteger((b as Bijector).eventRank);
  if (!ok)
    throw new InvalidArgumentError(
      `${fn}: argument '${arg}' must be a Bijector, got ${formatValue(b)}`,
    );
}
