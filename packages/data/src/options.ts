import { assertKnownOptions, invalidArgument } from '@gen/core';

// Internal helpers shared by the public functions; not part of the public API.

/** Throws unless `options` is a plain object whose keys are all in `known`. */
export function assertOptions(fn: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument(fn, 'options', options, 'must be an options object');
  }
  assertKnownOptions(fn, options, known);
}

export { assertRng, resolveRng } from '@gen/core';
