import {
  assertBijector,
  assertDistribution,
  type Bijector,
  formatValue,
  InvalidArgumentError,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Validates a flow's base and transforms (the guards of @gen/core, so any Distribution and
 * Bijector qualify); learned bijectors (with a `dim`) must match the event's last axis.
 */
export function checkFlowParts(fn: string, base: unknown, transforms: unknown): void {
  assertDistribution(fn, 'base', base);
  if (!Array.isArray(transforms) || transforms.length === 0) {
    throw new InvalidArgumentError(
      `${fn}: argument 'transforms' must be a non-empty array of bijectors, got ${formatValue(transforms)}`,
    );
  }
  const eventRank = base.eventShape.length;
  const last = base.eventShape[eventRank - 1];
  transforms.forEach((t: unknown, i) => {
    assertBijector(fn, `transforms[${i}]`, t);
    if (t.eventRank > eventRank) {
      throw new ShapeMismatchError(
        `${fn}: transforms[${i}] has eventRank ${t.eventRank} but the base's event shape is [${base.eventShape.join(', ')}]; wrap the base in Independent to make batch axes part of the event`,
      );
    }
    const dim = (t as { dim?: unknown }).dim;
    if (typeof dim === 'number' && dim !== last) {
      throw new ShapeMismatchError(
        `${fn}: transforms[${i}] has dim ${dim} but the base's event shape is [${base.eventShape.join(', ')}]`,
      );
    }
  });
}

/** Sums the `k` rightmost axes of `t`. */
export function sumRightmost(t: tf.Tensor, k: number): tf.Tensor {
  return k <= 0
    ? t
    : tf.sum(
        t,
        Array.from({ length: k }, (_, i) => t.rank - k + i),
      );
}

/** The transforms' parameter tensors as `transforms.<i>.<name>`. */
export function transformParams(transforms: readonly Bijector[]): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  transforms.forEach((t, i) => {
    const params = (t as { params?: Record<string, tf.Tensor> }).params ?? {};
    for (const [name, p] of Object.entries(params)) out[`transforms.${i}.${name}`] = p;
  });
  return out;
}
