import { UsageError } from '../errors.js';

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
        (value as unknown[]).every((x) => Number.isInteger(x) && (x as number) > 0)) &&
      (expected !== 'number' || Number.isFinite(value));
    if (!ok) {
      throw new UsageError(
        `--config: options.${key} must be ${expected === 'array' ? 'an array of positive integers' : `a ${expected}`}, got ${JSON.stringify(value)}`,
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
