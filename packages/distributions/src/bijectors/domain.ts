import { InvalidArgumentError, ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** An interval of the real line; infinite ends are always open, NaN is never inside. */
export interface Interval {
  low: number;
  high: number;
  closed: boolean;
}

export const REAL: Interval = { low: -Infinity, high: Infinity, closed: false };

function describe(d: Interval): string {
  if (d.low === -Infinity && d.high === Infinity) return 'finite';
  if (d.high === Infinity) return `> ${d.low}`;
  return d.closed ? `in [${d.low}, ${d.high}]` : `in (${d.low}, ${d.high})`;
}

/** Throws {@link InvalidArgumentError} naming the first entry of `t` outside `domain`. */
export function checkInterval(fn: string, arg: string, t: tf.Tensor, domain: Interval): void {
  const values = t.dataSync() as ArrayLike<number>;
  const { low, high, closed } = domain;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const inside = closed ? v >= low && v <= high : v > low && v < high;
    if (!inside || !Number.isFinite(v)) {
      throw new InvalidArgumentError(
        `${fn}: argument '${arg}' must be ${describe(domain)}, got ${v} at flat index ${i}`,
      );
    }
  }
}

/** Throws a {@link ShapeMismatchError} naming both arguments unless their shapes broadcast. */
export function checkBroadcast(
  fn: string,
  arg: string,
  shape: readonly number[],
  param: string,
  paramShape: readonly number[],
): void {
  try {
    tf.broadcast_util.assertAndGetBroadcastShape([...shape], [...paramShape]);
  } catch {
    throw new ShapeMismatchError(
      `${fn}: argument '${arg}' of shape [${shape.join(', ')}] does not broadcast against '${param}' of shape [${paramShape.join(', ')}]`,
    );
  }
}
