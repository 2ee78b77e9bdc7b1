import type { Distribution } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** Whether `x` looks like a @gen Distribution (duck-typed: logProb, sample, shapes). */
export function isDistribution(x: unknown): x is Distribution {
  if (typeof x !== 'object' || x === null || x instanceof tf.Tensor || Array.isArray(x)) {
    return false;
  }
  const d = x as Partial<Distribution>;
  return (
    typeof d.logProb === 'function' &&
    typeof d.sample === 'function' &&
    Array.isArray(d.batchShape) &&
    Array.isArray(d.eventShape)
  );
}

/** The class name of a distribution, for messages. */
export function className(d: object): string {
  const name = (d as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'Distribution';
}
