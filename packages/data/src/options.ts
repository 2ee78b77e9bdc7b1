import {
  assertInteger,
  assertKnownOptions,
  InvalidArgumentError,
  invalidArgument,
  Rng,
} from '@gen/core';

// Internal helpers shared by the public functions; not part of the public API.

/** Throws unless `options` is a plain object whose keys are all in `known`. */
export function assertOptions(fn: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument(fn, 'options', options, 'must be an options object');
  }
  assertKnownOptions(fn, options, known);
}

/** Throws unless `value` is an Rng from @gen/core (duck-typed, so two copies interoperate). */
export function assertRng(fn: string, arg: string, value: unknown): asserts value is Rng {
  const candidate = value as Partial<Rng> | null;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    typeof candidate.nextUint32Pair !== 'function' ||
    typeof candidate.getState !== 'function' ||
    typeof candidate.uniform !== 'function'
  ) {
    throw invalidArgument(fn, arg, value, 'must be an Rng from @gen/core');
  }
}

/**
 * The generator a function draws from: `rng` when given (it advances), else
 * `Rng.fromSeed(seed ?? fallbackSeed)`, so a call without either is still reproducible.
 */
export function resolveRng(
  fn: string,
  options: { seed?: number | undefined; rng?: Rng | undefined },
  fallbackSeed = 0,
): Rng {
  const { seed, rng } = options;
  if (rng !== undefined) {
    if (seed !== undefined) {
      throw new InvalidArgumentError(`${fn}: give either 'seed' or 'rng', not both`);
    }
    assertRng(fn, 'rng', rng);
    return rng;
  }
  if (seed !== undefined) assertInteger(fn, 'seed', seed, 0);
  return Rng.fromSeed(seed ?? fallbackSeed);
}
