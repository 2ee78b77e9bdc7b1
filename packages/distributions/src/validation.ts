import { InvalidArgumentError } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';

let validateByDefault = true;

/**
 * Turns argument and support validation on or off for distributions constructed afterwards
 * without an explicit `validateArgs` (default on). Validation reads values back synchronously,
 * so hot loops on GPU backends should construct with `validateArgs: false`.
 */
export function setDefaultValidation(enabled: boolean): void {
  validateByDefault = enabled;
}

/** The current default of `validateArgs`. */
export function defaultValidation(): boolean {
  return validateByDefault;
}

export type Constraint =
  | 'real'
  | 'positive'
  | 'nonNegative'
  | 'unitInterval'
  | 'openUnitInterval'
  | 'binary'
  | 'nonNegativeInteger'
  /** Probability vectors along the last axis: entries >= 0 summing to 1 within 1e-4·K. */
  | 'simplex';

const describe: Record<Constraint, string> = {
  real: 'finite',
  positive: '> 0',
  nonNegative: '>= 0',
  unitInterval: 'in [0, 1]',
  openUnitInterval: 'in (0, 1)',
  binary: '0 or 1',
  nonNegativeInteger: 'a non-negative integer',
  simplex: 'a probability vector along the last axis (entries >= 0 summing to 1 within 1e-4·K)',
};

function violates(values: ArrayLike<number>, constraint: Constraint): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const ok =
      Number.isFinite(v) &&
      (constraint === 'real' ||
        (constraint === 'positive' && v > 0) ||
        (constraint === 'nonNegative' && v >= 0) ||
        (constraint === 'unitInterval' && v >= 0 && v <= 1) ||
        (constraint === 'openUnitInterval' && v > 0 && v < 1) ||
        (constraint === 'binary' && (v === 0 || v === 1)) ||
        (constraint === 'nonNegativeInteger' && v >= 0 && Number.isInteger(v)) ||
        (constraint === 'simplex' && v >= 0));
    if (!ok) return i;
  }
  return -1;
}

/** The index `[i, j, …]` over the leading (batch) axes of the event holding flat entry `i`. */
function eventIndex(shape: readonly number[], i: number): string {
  const k = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  let rest = Math.floor(i / k);
  const index: number[] = [];
  for (let axis = shape.length - 2; axis >= 0; axis--) {
    index.unshift(rest % shape[axis]!);
    rest = Math.floor(rest / shape[axis]!);
  }
  return `[${index.join(', ')}]`;
}

/** The first event (last-axis vector) whose entries do not sum to 1 within 1e-4·K, or -1. */
function badSimplexSum(values: ArrayLike<number>, k: number): { event: number; sum: number } {
  for (let start = 0; start < values.length; start += k) {
    let sum = 0;
    for (let j = start; j < start + k; j++) sum += values[j]!;
    if (!(Math.abs(sum - 1) <= 1e-4 * k)) return { event: start, sum };
  }
  return { event: -1, sum: 1 };
}

/**
 * Throws {@link InvalidArgumentError} unless every entry of `t` satisfies `constraint`; the
 * message names the function, the argument and the first offending value and its index.
 * `'simplex'` is checked per event along the last axis (a scalar is one event of size 1), and
 * its message also names the batch index of the offending event.
 */
export function checkConstraint(
  fn: string,
  arg: string,
  t: tf.Tensor,
  constraint: Constraint,
): void {
  const values = t.dataSync() as ArrayLike<number>;
  const i = violates(values, constraint);
  const event = constraint === 'simplex' && i >= 0 ? ` (event ${eventIndex(t.shape, i)})` : '';
  if (i >= 0) {
    throw new InvalidArgumentError(
      `${fn}: argument '${arg}' must be ${describe[constraint]}, got ${values[i]} at flat index ${i}${event}`,
    );
  }
  if (constraint !== 'simplex') return;
  const k = t.rank === 0 ? 1 : t.shape[t.rank - 1]!;
  if (k === 0) return;
  const bad = badSimplexSum(values, k);
  if (bad.event >= 0) {
    throw new InvalidArgumentError(
      `${fn}: argument '${arg}' must be ${describe.simplex}, got entries summing to ${bad.sum} in event ${eventIndex(t.shape, bad.event)} (flat indices ${bad.event}..${bad.event + k - 1})`,
    );
  }
}

/**
 * Throws {@link InvalidArgumentError} if `t` holds a NaN (±∞ are allowed: a cdf is 0 or 1
 * there); the message names the function, the argument and the index.
 */
export function checkNotNaN(fn: string, arg: string, t: tf.Tensor): void {
  const values = t.dataSync() as ArrayLike<number>;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) {
      throw new InvalidArgumentError(
        `${fn}: argument '${arg}' must not be NaN, got NaN at flat index ${i}`,
      );
    }
  }
}
