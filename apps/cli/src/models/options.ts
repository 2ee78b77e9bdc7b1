import { badFlag, UsageError } from '../errors.js';
import { LIMITS, parseChoice, parseInteger } from '../run/parse.js';
import type { FlagContext, OptionFlag } from './family.js';

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
 * key and keep its kind (number, string, boolean, array of numbers), or be the option of one of
 * the family's flags (`optional`, checked by that flag's parser, and stored only when given, so
 * a run that leaves it out keeps the config it always had), so a typo or a wrong type is a usage
 * error naming `options.<key>`, not a model built with something else.
 */
export function mergeOptions(
  defaults: Record<string, unknown>,
  given: Record<string, unknown>,
  model: string,
  optional: readonly OptionFlag[] = [],
  context?: FlagContext,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(given)) {
    const flag = optional.find((f) => f.option === key);
    if (flag !== undefined && context !== undefined) {
      merged[key] = flag.parse(`--config: options.${key}`, value, context);
      continue;
    }
    if (!(key in defaults)) {
      const known = [...Object.keys(defaults), ...optional.map((f) => f.option)];
      throw new UsageError(
        `--config: options.${key} is not an option of model '${model}'; it takes ${known.join(', ')}`,
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

/** Parses a switch: `true` (the flag given) or a boolean of a config file. */
export function parseSwitch(source: string, value: unknown): boolean {
  if (typeof value !== 'boolean') badFlag(source, value, 'true or false');
  return value;
}

/** Parses a number in [`min`, `max`] (open at an end where `open` says so). */
export function parseNumberIn(
  source: string,
  value: unknown,
  min: number,
  max: number,
  open: { min?: boolean; max?: boolean } = {},
): number {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  const ok =
    (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '')) &&
    Number.isFinite(n) &&
    (open.min ? n > min : n >= min) &&
    (open.max ? n < max : n <= max);
  if (!ok) {
    const range = `${open.min ? '(' : '['}${min}, ${max}${open.max ? ')' : ']'}`;
    badFlag(source, value, `a number in ${range}`);
  }
  return n;
}

/** Parses a step count of a schedule (an integer from 1 to the step bound). */
export const parseStepCount = (source: string, value: unknown): number =>
  parseInteger(source, value, 1, LIMITS.steps);

/** Parses one of `choices` (a flag value or a config-file string). */
export const parseOneOf = <T extends string>(
  source: string,
  value: unknown,
  choices: readonly T[],
): T => parseChoice(source, value, choices);
