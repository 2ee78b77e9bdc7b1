import { InvalidArgumentError } from './errors.js';
import { isRng, Rng } from './rng.js';
import { assertInteger, invalidArgument } from './validate.js';

/**
 * Throws a typed error naming `fn` and `arg` unless `value` is an Rng from @gen/core (from any
 * installed copy: see {@link isRng}).
 */
export function assertRng(fn: string, arg: string, value: unknown): asserts value is Rng {
  if (!isRng(value)) throw invalidArgument(fn, arg, value, 'must be an Rng from @gen/core');
}

/**
 * The generator a constructor or function draws from, given `{ seed?, rng? }` options: `rng`
 * when given (it advances), else `Rng.fromSeed(seed ?? fallbackSeed)`, so a call without either
 * is still reproducible. Giving both is an error.
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
