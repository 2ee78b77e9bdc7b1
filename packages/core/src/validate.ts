import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeMismatchError } from './errors.js';

/** Renders a value for an error message: short, unambiguous, never throws. */
export function formatValue(value: unknown): string {
  if (value instanceof tf.Tensor) {
    return value.isDisposed
      ? 'a disposed tensor'
      : `a ${value.dtype} tensor of shape [${value.shape.join(', ')}]`;
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) {
    const shown = value.slice(0, 6).map(formatValue).join(', ');
    return `[${shown}${value.length > 6 ? `, … (${value.length} items)` : ''}]`;
  }
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Builds an {@link InvalidArgumentError} whose message names the function, argument and value. */
export function invalidArgument(
  fn: string,
  arg: string,
  value: unknown,
  expectation: string,
): InvalidArgumentError {
  return new InvalidArgumentError(
    `${fn}: argument '${arg}' ${expectation}, got ${formatValue(value)}`,
  );
}

/** Throws unless `value` is a finite number. */
export function assertFiniteNumber(
  fn: string,
  arg: string,
  value: unknown,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidArgument(fn, arg, value, 'must be a finite number');
  }
}

/** Throws unless `value` is a finite number > 0. */
export function assertPositive(fn: string, arg: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalidArgument(fn, arg, value, 'must be a finite number > 0');
  }
}

/** Throws unless `value` is a finite number >= 0. */
export function assertNonNegative(
  fn: string,
  arg: string,
  value: unknown,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidArgument(fn, arg, value, 'must be a finite number >= 0');
  }
}

/** Throws unless `value` is an integer in [min, max]. */
export function assertInteger(
  fn: string,
  arg: string,
  value: unknown,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range =
      min === Number.MIN_SAFE_INTEGER
        ? max === Number.MAX_SAFE_INTEGER
          ? ''
          : ` <= ${max}`
        : max === Number.MAX_SAFE_INTEGER
          ? ` >= ${min}`
          : ` in [${min}, ${max}]`;
    throw invalidArgument(fn, arg, value, `must be an integer${range}`);
  }
}

/** Throws unless `value` is one of `allowed`; narrows its type. */
export function assertOneOf<T extends string>(
  fn: string,
  arg: string,
  value: unknown,
  allowed: readonly T[],
): asserts value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidArgument(
      fn,
      arg,
      value,
      `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
    );
  }
}

/** Throws unless `value` is a live tensor (not disposed). */
export function assertTensor(fn: string, arg: string, value: unknown): asserts value is tf.Tensor {
  if (!(value instanceof tf.Tensor) || value.isDisposed) {
    throw invalidArgument(fn, arg, value, 'must be a live tf.Tensor');
  }
}

/** Throws unless `tensor` has the given rank. */
export function assertRank(fn: string, arg: string, tensor: tf.Tensor, rank: number): void {
  if (tensor.rank !== rank) {
    throw new ShapeMismatchError(
      `${fn}: argument '${arg}' must have rank ${rank}, got shape [${tensor.shape.join(', ')}]`,
    );
  }
}

/**
 * Throws unless `tensor.shape` matches `expected`, where `null` entries match any size.
 * Example: `assertShape('Dense.apply', 'x', x, [null, 784])`.
 */
export function assertShape(
  fn: string,
  arg: string,
  tensor: tf.Tensor,
  expected: readonly (number | null)[],
): void {
  const ok =
    tensor.rank === expected.length &&
    expected.every((d, i) => d === null || d === tensor.shape[i]);
  if (!ok) {
    const want = expected.map((d) => (d === null ? '*' : String(d))).join(', ');
    throw new ShapeMismatchError(
      `${fn}: argument '${arg}' must have shape [${want}], got [${tensor.shape.join(', ')}]`,
    );
  }
}

/** Rejects option keys that the function does not know (catches typos such as `{ stpes: 10 }`). */
export function assertKnownOptions(
  fn: string,
  options: object | undefined,
  known: readonly string[],
): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument(fn, 'options', options, 'must be an options object');
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new InvalidArgumentError(
        `${fn}: unknown option '${key}' (known options: ${known.join(', ')})`,
      );
    }
  }
}
