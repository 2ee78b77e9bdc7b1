import { GenError, initBackend } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, expect } from 'vitest';

/**
 * The fuzz suite's shared pieces. Every property runs with a fixed seed (the same cases on
 * every run) and asserts one thing of a public function: given hostile input it throws a typed
 * `GenError` or returns finite numbers, never a raw TypeError/RangeError, and never leaks a
 * tensor.
 */
export const FUZZ = { seed: 20261206, numRuns: 60 } as const;

/** Starts the backend the CLI uses in Node (wasm) once per file, outside any test's time. */
export function useFuzzBackend(): void {
  beforeAll(async () => {
    await initBackend('wasm');
  }, 120_000);
}

/** Numbers a hostile caller passes: NaN, ±Inf, zero, negative, huge, tiny, fractional, any. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    0,
    -0,
    -1,
    0.5,
    2.5,
    1e30,
    -1e30,
    1e-45,
    2 ** 53,
    99999999999,
  ),
  fc.double(),
  fc.integer({ min: -1000, max: 1000 }),
);

/** Anything at all in place of a number, an option or an array. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileNumber,
  fc.constantFrom(undefined, null, '', 'abc', '3', true, false, [], {}, [1, 2], { a: 1 }),
  fc.func(fc.integer()),
);

/** A plain description of a tensor, made into a tensor by {@link makeTensor} inside a test. */
export interface TensorSpec {
  shape: number[];
  values: number[];
  dtype: 'float32' | 'int32';
}

/**
 * Tensors of random rank (0–3) and sizes (0–4 per axis), with values that are often NaN, ±Inf,
 * negative or huge; `finite` keeps values finite, `shape` fixes the shape.
 */
export function hostileTensor(
  options: { finite?: boolean; shape?: number[]; min?: number; max?: number } = {},
): fc.Arbitrary<TensorSpec> {
  const shape = options.shape
    ? fc.constant(options.shape)
    : fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 });
  const value = options.finite
    ? fc.double({
        noNaN: true,
        noDefaultInfinity: true,
        min: options.min ?? -1e6,
        max: options.max ?? 1e6,
      })
    : hostileNumber;
  return shape.chain((s) => {
    const size = s.reduce((a, b) => a * b, 1);
    return fc.record({
      shape: fc.constant(s),
      values: fc.array(value, { minLength: size, maxLength: size }),
      dtype: options.finite ? fc.constant('float32' as const) : fc.constantFrom('float32', 'int32'),
    });
  });
}

/** The tensor of a {@link TensorSpec}; the test disposes it. */
export function makeTensor(spec: TensorSpec): tf.Tensor {
  const values =
    spec.dtype === 'int32'
      ? spec.values.map((v) => (Number.isFinite(v) ? Math.trunc(v) | 0 : 0))
      : spec.values;
  return tf.tensor(values, spec.shape, spec.dtype);
}

/** `options` with one extra key that no @gen function knows. */
export function withUnknownKey<T extends object>(options: T): fc.Arbitrary<T> {
  return fc
    .constantFrom('stpes', 'learningrate', 'sed', 'scaleTril2', 'unknown', '__proto__x')
    .map((key) => ({ ...options, [key]: 1 }));
}

function collectNumbers(value: unknown, out: number[], seen: Set<unknown>): void {
  if (value instanceof tf.Tensor) {
    if (!value.isDisposed && value.dtype !== 'string') {
      // A loop, not push(...values): spreading a large result overflows the call stack.
      for (const v of value.dataSync() as Iterable<number>) out.push(v);
    }
    return;
  }
  if (typeof value === 'number') {
    out.push(value);
    return;
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const item of value) collectNumbers(item, out, seen);
    return;
  }
  // Plain result objects only: models and distributions are checked through their methods.
  if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const item of Object.values(value)) collectNumbers(item, out, seen);
  }
}

function disposeResult(value: unknown): void {
  if (value instanceof tf.Tensor) {
    value.dispose();
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (typeof (value as { dispose?: unknown }).dispose === 'function') {
    (value as { dispose(): void }).dispose();
    return;
  }
  if (Array.isArray(value)) value.forEach(disposeResult);
  else if (Object.getPrototypeOf(value) === Object.prototype) {
    Object.values(value).forEach(disposeResult);
  }
}

export interface TypedOrFiniteOptions<T> {
  /** Allow ±Inf in the result (log-densities outside the support); NaN is never allowed. */
  allowInfinite?: boolean;
  /** Frees what the call returned when it is not a tensor or has no `dispose()`. */
  cleanup?: (result: T) => void;
}

/**
 * Calls `call` and asserts the fuzz contract: it throws a `GenError` (a typed error with a
 * `code`), or returns only finite numbers; either way the number of live tensors is unchanged
 * once the result is disposed. Returns which of the two happened.
 */
export async function expectTypedOrFinite<T>(
  call: () => T | Promise<T>,
  options: TypedOrFiniteOptions<T> = {},
): Promise<'threw' | 'returned'> {
  const before = tf.memory().numTensors;
  let result: T;
  try {
    result = await call();
  } catch (error) {
    if (!(error instanceof GenError)) {
      throw new Error(`expected a typed GenError, got a raw ${describeError(error)}`, {
        cause: error,
      });
    }
    expect(tf.memory().numTensors, `tensors leaked by a call that threw: ${error.message}`).toBe(
      before,
    );
    return 'threw';
  }
  const numbers: number[] = [];
  collectNumbers(result, numbers, new Set());
  const bad = numbers.find((v) => (options.allowInfinite ? Number.isNaN(v) : !Number.isFinite(v)));
  if (options.cleanup) options.cleanup(result);
  else disposeResult(result);
  expect(bad, 'a non-finite number in the result').toBeUndefined();
  expect(tf.memory().numTensors, 'tensors leaked by a call that returned').toBe(before);
  return 'returned';
}

/** Asserts that `call` throws a typed `GenError` whose message names `fn`, leaking nothing. */
export async function expectTypedError(call: () => unknown, fn: string): Promise<GenError> {
  const before = tf.memory().numTensors;
  let thrown: unknown;
  try {
    const result = await call();
    disposeResult(result);
  } catch (error) {
    thrown = error;
  }
  if (!(thrown instanceof GenError)) {
    throw new Error(`expected a GenError naming ${fn}, got ${describeError(thrown)}`, {
      cause: thrown,
    });
  }
  expect(thrown.message).toContain(fn);
  expect(tf.memory().numTensors, 'tensors leaked by a call that threw').toBe(before);
  return thrown;
}

function describeError(error: unknown): string {
  if (error === undefined) return 'no error (the call returned)';
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
