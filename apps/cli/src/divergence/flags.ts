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

/** Parses a finite number flag value, optionally strictly positive. */
export function parseNumberFlag(flag: string, value: string, positive = false): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (positive && n <= 0)) {
    badFlag(flag, value, positive ? 'a positive number' : 'a finite number');
  }
  return n;
}

/** Parses a comma-separated list of finite numbers (at least one). */
export function parseNumberList(flag: string, value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  const numbers = parts.map(Number);
  if (parts.some((s) => s === '') || numbers.some((n) => !Number.isFinite(n))) {
    badFlag(flag, value, 'a comma-separated list of finite numbers');
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
