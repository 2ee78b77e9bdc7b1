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
  | 'nonNegativeInteger';

const describe: Record<Constraint, string> = {
  real: 'finite',
  positive: '> 0',
  nonNegative: '>= 0',
  unitInterval: 'in [0, 1]',
  openUnitInterval: 'in (0, 1)',
  binary: '0 or 1',
  nonNegativeInteger: 'a non-negative integer',
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
        (constraint === 'nonNegativeInteger' && v >= 0 && Number.isInteger(v)));
    if (!ok) return i;
  }
  return -1;
}

/**
 * Throws {@link InvalidArgumentError} unless every entry of `t` satisfies `constraint`; the
 * message names the function, the argument and the first offending value and its index.
 */
export function checkConstraint(
  fn: string,
  arg: string,
  t: tf.Tensor,
  constraint: Constraint,
): void {
  const values = t.dataSync() as ArrayLike<number>;
  const i = violates(values, constraint);
  if (i >= 0) {
    throw new InvalidArgumentError(
      `${fn}: argument '${arg}' must be ${describe[constraint]}, got ${values[i]} at flat index ${i}`,
    );
  }
}
