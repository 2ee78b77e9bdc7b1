import {
  type Bijector,
  type Distribution,
  formatValue,
  InvalidArgumentError,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

function isDistribution(d: unknown): d is Distribution {
  const p = d as Partial<Distribution> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.logProb === 'function' &&
    typeof p.sample === 'function' &&
    Array.isArray(p.eventShape) &&
    Array.isArray(p.batchShape)
  );
}

function isBijector(b: unknown): b is Bijector {
  const p = b as Partial<Bijector> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.forwardAndLogDet === 'function' &&
    typeof p.inverseAndLogDet === 'function' &&
    typeof p.forward === 'function' &&
    Number.isInteger(p.eventRank)
  );
}

/**
 * Validates a flow's base and transforms; returns, per transform, how many event axes its
 * log-det leaves to sum. Learned bijectors (with a `dim`) must match the event's last axis.
 */
export function checkFlowParts(fn: string, base: unknown, transforms: unknown): number[] {
  if (!isDistribution(base)) {
    throw new InvalidArgumentError(
      `${fn}: argument 'base' must be a Distribution, got ${formatValue(base)}`,
    );
  }
  if (!Array.isArray(transforms) || transforms.length === 0) {
    throw new InvalidArgumentError(
      `${fn}: argument 'transforms' must be a non-empty array of bijectors, got ${formatValue(transforms)}`,
    );
  }
  const eventRank = base.eventShape.length;
  const last = base.eventShape[eventRank - 1];
  return transforms.map((t: unknown, i) => {
    if (!isBijector(t)) {
      throw new InvalidArgumentError(
        `${fn}: argument 'transforms[${i}]' must be a Bijector, got ${formatValue(t)}`,
      );
    }
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
    return eventRank - t.eventRank;
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
