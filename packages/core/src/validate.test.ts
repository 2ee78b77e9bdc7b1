import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { GenError, InvalidArgumentError, ShapeMismatchError } from './errors.js';
import {
  assertFiniteNumber,
  assertInteger,
  assertKnownOptions,
  assertNonNegative,
  assertOneOf,
  assertPositive,
  assertRank,
  assertShape,
  assertTensor,
  formatValue,
  invalidArgument,
} from './validate.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** Runs `fn`, which must throw, and returns what it threw. */
function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** Expects an InvalidArgumentError whose message names the function, argument and value. */
function expectInvalid(fn: () => void, message: string): void {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(InvalidArgumentError);
  expect(error).toBeInstanceOf(GenError);
  expect((error as InvalidArgumentError).code).toBe('INVALID_ARGUMENT');
  expect((error as InvalidArgumentError).name).toBe('InvalidArgumentError');
  expect((error as Error).message).toBe(message);
}

describe('number assertions', () => {
  it('assertFiniteNumber accepts finite numbers only', () => {
    for (const v of [0, -1.5, 1e308]) expect(() => assertFiniteNumber('f', 'x', v)).not.toThrow();
    expectInvalid(
      () => assertFiniteNumber('Normal', 'loc', Number.NaN),
      "Normal: argument 'loc' must be a finite number, got NaN",
    );
    expectInvalid(
      () => assertFiniteNumber('Normal', 'loc', Number.POSITIVE_INFINITY),
      "Normal: argument 'loc' must be a finite number, got Infinity",
    );
    expectInvalid(
      () => assertFiniteNumber('Normal', 'loc', '1'),
      'Normal: argument \'loc\' must be a finite number, got "1"',
    );
  });

  it('assertPositive rejects 0, negatives and non-finite values', () => {
    expect(() => assertPositive('f', 'x', 1e-300)).not.toThrow();
    for (const [v, shown] of [
      [0, '0'],
      [-2, '-2'],
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, 'Infinity'],
      [undefined, 'undefined'],
    ] as const) {
      expectInvalid(
        () => assertPositive('Normal', 'scale', v),
        `Normal: argument 'scale' must be a finite number > 0, got ${shown}`,
      );
    }
  });

  it('assertNonNegative accepts 0 and rejects anything below', () => {
    for (const v of [0, -0, 3]) expect(() => assertNonNegative('f', 'x', v)).not.toThrow();
    expectInvalid(
      () => assertNonNegative('Adam', 'weightDecay', -1e-300),
      "Adam: argument 'weightDecay' must be a finite number >= 0, got -1e-300",
    );
    expectInvalid(
      () => assertNonNegative('Adam', 'weightDecay', null),
      "Adam: argument 'weightDecay' must be a finite number >= 0, got null",
    );
  });

  it('assertInteger checks integrality and the range, and states the range', () => {
    expect(() => assertInteger('f', 'n', 3)).not.toThrow();
    expect(() => assertInteger('f', 'n', 1, 1, 5)).not.toThrow();
    expect(() => assertInteger('f', 'n', 5, 1, 5)).not.toThrow();
    expectInvalid(
      () => assertInteger('f', 'n', 1.5),
      "f: argument 'n' must be an integer, got 1.5",
    );
    expectInvalid(
      () => assertInteger('f', 'n', Number.NaN),
      "f: argument 'n' must be an integer, got NaN",
    );
    expectInvalid(
      () => assertInteger('f', 'n', '2'),
      'f: argument \'n\' must be an integer, got "2"',
    );
    expectInvalid(
      () => assertInteger('Dense', 'units', 0, 1),
      "Dense: argument 'units' must be an integer >= 1, got 0",
    );
    expectInvalid(
      () => assertInteger('f', 'k', 9, Number.MIN_SAFE_INTEGER, 8),
      "f: argument 'k' must be an integer <= 8, got 9",
    );
    expectInvalid(
      () => assertInteger('f', 'k', 6, 1, 5),
      "f: argument 'k' must be an integer in [1, 5], got 6",
    );
  });
});

describe('assertOneOf', () => {
  it('accepts the allowed strings and lists them otherwise', () => {
    expect(() => assertOneOf('f', 'mode', 'mean', ['mean', 'sum'])).not.toThrow();
    expectInvalid(
      () => assertOneOf('loss', 'reduction', 'avg', ['mean', 'sum']),
      "loss: argument 'reduction' must be one of 'mean', 'sum', got \"avg\"",
    );
    expectInvalid(
      () => assertOneOf('loss', 'reduction', 1, ['mean', 'sum']),
      "loss: argument 'reduction' must be one of 'mean', 'sum', got 1",
    );
  });
});

describe('tensor assertions', () => {
  it('assertTensor accepts live tensors and rejects disposed ones and non-tensors', () => {
    const x = tf.zeros([2, 3]);
    expect(() => assertTensor('f', 'x', x)).not.toThrow();
    x.dispose();
    expectInvalid(
      () => assertTensor('Normal.logProb', 'value', x),
      "Normal.logProb: argument 'value' must be a live tf.Tensor, got a disposed tensor",
    );
    expectInvalid(
      () => assertTensor('Normal.logProb', 'value', [1, 2]),
      "Normal.logProb: argument 'value' must be a live tf.Tensor, got [1, 2]",
    );
  });

  it('assertRank throws ShapeMismatchError with the shape', () => {
    const x = tf.zeros([2, 3]);
    expect(() => assertRank('f', 'x', x, 2)).not.toThrow();
    const error = thrown(() => assertRank('Conv2d', 'input', x, 4));
    expect(error).toBeInstanceOf(ShapeMismatchError);
    expect(error).toBeInstanceOf(GenError);
    expect((error as ShapeMismatchError).code).toBe('SHAPE_MISMATCH');
    expect((error as Error).message).toBe(
      "Conv2d: argument 'input' must have rank 4, got shape [2, 3]",
    );
    x.dispose();
  });

  it('assertShape matches sizes with null as a wildcard', () => {
    const x = tf.zeros([32, 784]);
    expect(() => assertShape('Dense.apply', 'x', x, [null, 784])).not.toThrow();
    expect(() => assertShape('Dense.apply', 'x', x, [32, 784])).not.toThrow();
    for (const expected of [[null, 10], [null], [null, 784, 1]]) {
      const error = thrown(() => assertShape('Dense.apply', 'x', x, expected));
      expect(error).toBeInstanceOf(ShapeMismatchError);
      const want = expected.map((d) => (d === null ? '*' : d)).join(', ');
      expect((error as Error).message).toBe(
        `Dense.apply: argument 'x' must have shape [${want}], got [32, 784]`,
      );
    }
    x.dispose();
  });
});

describe('assertKnownOptions', () => {
  it('accepts undefined and known keys, rejects a typo naming it and the known ones', () => {
    expect(() => assertKnownOptions('fit', undefined, ['steps'])).not.toThrow();
    expect(() => assertKnownOptions('fit', { steps: 10 }, ['steps', 'lr'])).not.toThrow();
    expectInvalid(
      () => assertKnownOptions('fit', { stpes: 10 }, ['steps', 'lr']),
      "fit: unknown option 'stpes' (known options: steps, lr)",
    );
  });
});

describe('invalidArgument and formatValue', () => {
  it('invalidArgument builds the error without throwing it', () => {
    const error = invalidArgument('Beta', 'concentration', [-1], 'must be positive');
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toBe("Beta: argument 'concentration' must be positive, got [-1]");
  });

  it('renders values short and unambiguous', () => {
    const t = tf.zeros([2, 3], 'int32');
    expect(formatValue(t)).toBe('a int32 tensor of shape [2, 3]');
    t.dispose();
    expect(formatValue(t)).toBe('a disposed tensor');
    expect(formatValue('abc')).toBe('"abc"');
    expect(formatValue(-0.5)).toBe('-0.5');
    expect(formatValue(10n)).toBe('10');
    expect(formatValue(false)).toBe('false');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(undefined)).toBe('undefined');
    expect(formatValue([1, 'a', [2]])).toBe('[1, "a", [2]]');
    expect(formatValue([1, 2, 3, 4, 5, 6, 7, 8])).toBe('[1, 2, 3, 4, 5, 6, … (8 items)]');
    expect(formatValue(function relu() {})).toBe('function relu');
    expect(formatValue({ lr: 0.1 })).toBe('{"lr":0.1}');
    const long = formatValue({ text: 'x'.repeat(100) });
    expect(long).toHaveLength(80);
    expect(long.endsWith('...')).toBe(true);
  });

  it('never throws, even for circular objects, bigints inside objects and symbols', () => {
    const circular: { self?: unknown } = {};
    circular.self = circular;
    expect(formatValue(circular)).toBe('[object Object]');
    expect(formatValue({ n: 1n })).toBe('[object Object]');
    expect(formatValue(Symbol('s'))).toBe('[object Symbol]');
  });
});
