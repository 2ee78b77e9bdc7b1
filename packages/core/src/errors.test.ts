import { describe, expect, it } from 'vitest';
import {
  BackendError,
  FormatError,
  GenError,
  type GenErrorCode,
  InvalidArgumentError,
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
