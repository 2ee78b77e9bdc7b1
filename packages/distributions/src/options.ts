import { assertKnownOptions, invalidArgument } from '@gen/core';

/**
 * Checks a constructor's parameter object before it is destructured: a plain object whose keys
 * are the family's `params` (and `validateArgs`, a boolean when given). Conflicting or misspelt
 * keys (`{ loc, scaleTril, covariance }`) are refused instead of silently ignored.
 */
export function checkParamsObject(fn: string, params: unknown, known: readonly string[]): void {
  const all = [...known, 'validateArgs'];
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw invalidArgument(fn, 'params', params, `must be an object { ${all.join(', ')} }`);
  }
  assertKnownOptions(fn, params, all);
  checkValidateArgs(fn, (params as { validateArgs?: unknown }).validateArgs);
}

/** Checks the options object that follows a constructor's positional arguments. */
export function checkOptionsObject(
  fn: string,
  options: unknown,
  known: readonly string[] = [],
): void {
  if (options === undefined) return;
  checkParamsObject(fn, options, known);
}

function checkValidateArgs(fn: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw invalidArgument(fn, 'validateArgs', value, 'must be a boolean');
  }
}
