import { describe, expect, it } from 'vitest';
import {
  BackendError,
  FormatError,
  GenError,
  type GenErrorCode,
  InvalidArgumentError,
  isGenError,
  NotImplementedError,
  NumericalError,
  ShapeMismatchError,
} from './errors.js';

type Subclass = new (message: string, options?: { cause?: unknown }) => GenError;

const subclasses: [Subclass, GenErrorCode][] = [
  [InvalidArgumentError, 'INVALID_ARGUMENT'],
  [ShapeMismatchError, 'SHAPE_MISMATCH'],
  [NotImplementedError, 'NOT_IMPLEMENTED'],
  [NumericalError, 'NUMERICAL_FAILURE'],
  [BackendError, 'BACKEND_UNAVAILABLE'],
  [FormatError, 'INVALID_FORMAT'],
];

describe('GenError and its subclasses', () => {
  for (const [Class, code] of subclasses) {
    it(`${Class.name} has code ${code}, its own name and is a GenError`, () => {
      const error = new Class("fn: argument 'x' must be positive, got -1");
      expect(error).toBeInstanceOf(Class);
      expect(error).toBeInstanceOf(GenError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(code);
      expect(error.name).toBe(Class.name);
      expect(error.message).toBe("fn: argument 'x' must be positive, got -1");
      expect(String(error)).toBe(`${Class.name}: fn: argument 'x' must be positive, got -1`);
      expect(error.stack).toContain(Class.name);
    });
  }

  it('codes are distinct, so callers can branch on them', () => {
    expect(new Set(subclasses.map(([, code]) => code)).size).toBe(subclasses.length);
  });

  it('keeps the cause', () => {
    const cause = new TypeError('underlying');
    const error = new BackendError('initBackend: failed', { cause });
    expect(error.cause).toBe(cause);
    expect(new NumericalError('no cause').cause).toBeUndefined();
  });

  it('is constructible directly and names further subclasses after themselves', () => {
    const base = new GenError('NOT_IMPLEMENTED', 'rsample: not reparameterisable');
    expect(base.name).toBe('GenError');
    expect(base.code).toBe('NOT_IMPLEMENTED');

    class SingularMatrixError extends NumericalError {}
    const derived = new SingularMatrixError('solve: singular');
    expect(derived.name).toBe('SingularMatrixError');
    expect(derived.code).toBe('NUMERICAL_FAILURE');
    expect(derived).toBeInstanceOf(NumericalError);
    expect(derived).toBeInstanceOf(GenError);
  });

  it('is told apart from errors that are not @gen’s', () => {
    expect(new RangeError('x')).not.toBeInstanceOf(GenError);
    expect(new ShapeMismatchError('x')).not.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('isGenError', () => {
  // An error class as a second installed copy of @gen/core defines it: a different class that
  // shares only the registry key of the brand.
  class OtherCopyError extends Error {
    constructor(
      readonly code: string,
      message: string,
    ) {
      super(message);
    }
  }
  Object.defineProperty(OtherCopyError.prototype, Symbol.for('@gen/core/GenError'), {
    value: true,
  });

  it('recognises every subclass, with and without its code', () => {
    for (const [Class, code] of subclasses) {
      const error = new Class('fn: bad');
      expect(isGenError(error)).toBe(true);
      expect(isGenError(error, code)).toBe(true);
      const other = subclasses.find(([, c]) => c !== code)![1];
      expect(isGenError(error, other)).toBe(false);
    }
    class SingularMatrixError extends NumericalError {}
    expect(isGenError(new SingularMatrixError('solve: singular'), 'NUMERICAL_FAILURE')).toBe(true);
  });

  it('recognises an error thrown by another copy of @gen/core, which instanceof misses', () => {
    const foreign = new OtherCopyError('INVALID_FORMAT', 'readFrame: bad magic');
    expect(foreign).not.toBeInstanceOf(GenError);
    expect(isGenError(foreign)).toBe(true);
    expect(isGenError(foreign, 'INVALID_FORMAT')).toBe(true);
    expect(isGenError(foreign, 'SHAPE_MISMATCH')).toBe(false);
  });

  it('refuses look-alikes without the brand, a branded object without a code and non-errors', () => {
    const lookAlike = Object.assign(new Error('x'), {
      code: 'INVALID_FORMAT',
      name: 'FormatError',
    });
    expect(isGenError(lookAlike)).toBe(false);
    expect(isGenError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(false);
    expect(isGenError(new OtherCopyError(undefined as never, 'x'))).toBe(false);
    for (const x of [null, undefined, 'INVALID_FORMAT', 42, { code: 'INVALID_ARGUMENT' }]) {
      expect(isGenError(x)).toBe(false);
    }
  });

  it('narrows to GenError with the code', () => {
    const error: unknown = new FormatError('x');
    if (!isGenError(error, 'INVALID_FORMAT')) throw new Error('not recognised');
    const code: 'INVALID_FORMAT' = error.code;
    expect(code).toBe('INVALID_FORMAT');
  });
});
