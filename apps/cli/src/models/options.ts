import { UsageError } from '../errors.js';

// Bounds that keep a model buildable in one process (a 10⁵-wide layer is already 40 GB square);
// the model constructors check their own ranges within them.
const MAX_ARRAY_LENGTH = 64;
const MAX_SIZE = 1e5;
const MAX_NUMBER = 1e6;

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  return v === null ? 'null' : typeof v;
}

/**
 * Merges model options from a config file over a family's defaults. Every key must be a default's
 * key and keep its kind (number, string, boolean, array of numbers), so a typo or a wrong type is
 * a usage error naming `options.<key>`, not a model built with something else.
 */
export function mergeOptions(
  defaults: Record<string, unknown>,
  given: Record<string, unknown>,
  model: string,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(given)) {
    if (!(key in defaults)) {
      throw new UsageError(
        `--config: options.${key} is not an option of model '${model}'; it takes ${Object.keys(defaults).join(', ')}`,
      );
    }
    const expected = kindOf(defaults[key]);
    const ok =
      kindOf(value) === expected &&
      (expected !== 'array' ||
        ((value as unknown[]).length <= MAX_ARRAY_LENGTH &&
          (value as unknown[]).every(
            (x) => Number.isInteger(x) && (x as number) > 0 && (x as number) <= MAX_SIZE,
          ))) &&
      (expected !== 'number' ||
        (Number.isFinite(value) && Math.abs(value as number) <= MAX_NUMBER));
    if (!ok) {
      const what =
        expected === 'array'
          ? `an array of at most ${MAX_ARRAY_LENGTH} integers from 1 to ${MAX_SIZE}`
          : expected === 'number'
            ? `a number from -${MAX_NUMBER} to ${MAX_NUMBER}`
            : `a ${expected}`;
      throw new UsageError(
        `--config: options.${key} must be ${what}, got ${JSON.stringify(value)}`,
      );
    }
    merged[key] = value;
  }
  return merged;
}

/** Reads a number option (already validated by {@link mergeOptions}). */
export const num = (o: Record<string, unknown>, key: string): number => o[key] as number;
/** Reads an array-of-integers option. */
export const ints = (o: Record<string, unknown>, key: string): number[] => [
  ...(o[key] as number[]),
];
