import { badFlag } from '../errors.js';

/**
 * The largest values the numeric flags accept: what the trainer, the schedules and the memory of
 * one process can handle, so a typo is refused before anything is written.
 */
export const LIMITS = {
  /** Training steps (also --epochs × batches per epoch, and --checkpoint-every). */
  steps: 1e9,
  /** Rows of data (--limit), model draws (--eval-samples). */
  rows: 1e6,
  /** Numbers in one batch of samples (`gen sample -n` × the data's columns). */
  sampleValues: 1e7,
  /** Learning rate: Adam with a larger one only ever diverges. */
  lr: 10,
  /** Seeds are 32-bit. */
  seed: 2 ** 32 - 1,
} as const;

/** Parses an integer flag value in [`min`, `max`]; throws a UsageError naming the flag otherwise. */
export function parseInteger(
  flag: string,
  value: unknown,
  min = 1,
  max: number = LIMITS.steps,
): number {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (String(value).trim() === '' || !Number.isSafeInteger(n) || n < min || n > max) {
    badFlag(flag, value, `an integer from ${min} to ${max}`);
  }
  return n;
}

/** Parses a finite number in (0, `max`]; throws a UsageError naming the flag otherwise. */
export function parsePositive(flag: string, value: unknown, max = Number.MAX_VALUE): number {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (String(value).trim() === '' || !Number.isFinite(n) || n <= 0 || n > max) {
    badFlag(flag, value, max === Number.MAX_VALUE ? 'a number > 0' : `a number in (0, ${max}]`);
  }
  return n;
}

/** Parses a seed: an integer from 0 to 2³² − 1. */
export const parseSeed = (flag: string, value: unknown): number =>
  parseInteger(flag, value, 0, LIMITS.seed);

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
