import { badFlag } from '../errors.js';
import { LIMITS } from '../run/parse.js';

/** Parses an integer flag value in [min, max]; a {@link UsageError} names the flag otherwise. */
export function parseIntFlag(
  flag: string,
  value: string,
  min = 1,
  max: number = LIMITS.steps,
): number {
  const n = Number(value);
  if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    badFlag(flag, value, `an integer in [${min}, ${max}]`);
  }
  return n;
}

/**
 * The magnitudes a number flag may have: the computations run in float32 (largest ≈ 3.4e38,
 * smallest normal ≈ 1.2e-38), so a value must survive the conversion with room for arithmetic.
 */
export const FLOAT_RANGE = { min: 1e-30, max: 1e30 } as const;

/**
 * Parses a finite number flag value with |x| ≤ `max`, optionally strictly positive (then at
 * least {@link FLOAT_RANGE}.min, which float32 does not round to 0).
 */
export function parseNumberFlag(
  flag: string,
  value: string,
  positive = false,
  max: number = FLOAT_RANGE.max,
): number {
  const n = Number(value);
  const ok =
    value.trim() !== '' &&
    Number.isFinite(n) &&
    Math.abs(n) <= max &&
    (!positive || n >= FLOAT_RANGE.min);
  if (!ok) {
    badFlag(
      flag,
      value,
      positive ? `a number from ${FLOAT_RANGE.min} to ${max}` : `a number from -${max} to ${max}`,
    );
  }
  return n;
}

/** Parses a comma-separated list of finite numbers (at least one) with |x| ≤ `max`. */
export function parseNumberList(
  flag: string,
  value: string,
  max: number = FLOAT_RANGE.max,
): number[] {
  const parts = value.split(',').map((s) => s.trim());
  const numbers = parts.map(Number);
  if (
    parts.some((s) => s === '') ||
    numbers.some((n) => !Number.isFinite(n) || Math.abs(n) > max)
  ) {
    badFlag(flag, value, `a comma-separated list of numbers from -${max} to ${max}`);
  }
  return numbers;
}

/** Checks that `value` is one of `choices`; the error lists them. */
export function parseChoice<T extends string>(
  flag: string,
  value: string,
  choices: readonly T[],
): T {
  if (!(choices as readonly string[]).includes(value))
    badFlag(flag, value, `one of ${choices.join(', ')}`);
  return value as T;
}
