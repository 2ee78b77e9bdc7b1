import { badFlag } from '../errors.js';

/** Parses an integer flag value ≥ `min`; throws a UsageError naming the flag otherwise. */
export function parseInteger(flag: string, value: unknown, min = 1): number {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (String(value).trim() === '' || !Number.isInteger(n) || n < min) {
    badFlag(flag, value, `an integer >= ${min}`);
  }
  return n;
}

/** Parses a finite number > 0; throws a UsageError naming the flag otherwise. */
export function parsePositive(flag: string, value: unknown): number {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (String(value).trim() === '' || !Number.isFinite(n) || n <= 0) {
    badFlag(flag, value, 'a number > 0');
  }
  return n;
}

/** Checks that `value` is one of `choices`; throws a UsageError naming the flag otherwise. */
export function parseChoice<T extends string>(
  flag: string,
  value: unknown,
  choices: readonly T[],
): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    badFlag(flag, value, `one of ${choices.join(', ')}`);
  }
  return value as T;
}
