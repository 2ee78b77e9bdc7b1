import { brand, hasBrand } from './brand.js';

/**
 * Typed errors shared by every `@gen` package. Each carries a stable `code` so callers can branch
 * without parsing messages, and a message that names the function, the argument and the value.
 */
export type GenErrorCode =
  | 'INVALID_ARGUMENT'
  | 'SHAPE_MISMATCH'
  | 'NOT_IMPLEMENTED'
  | 'NUMERICAL_FAILURE'
  | 'BACKEND_UNAVAILABLE'
  | 'INVALID_FORMAT';

const GEN_ERROR = '@gen/core/GenError';

/**
 * Base class of every error thrown by @gen. Recognise one with {@link isGenError} rather than
 * `instanceof`, which fails for an error thrown by another installed copy of @gen/core.
 */
export class GenError extends Error {
  static {
    brand(GenError, GEN_ERROR);
  }

  readonly code: GenErrorCode;

  constructor(code: GenErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** An argument has the wrong type, is out of range or is an unknown option. */
export class InvalidArgumentError extends GenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_ARGUMENT', message, options);
  }
}

/** Tensors or arrays whose shapes do not fit together. */
export class ShapeMismatchError extends GenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SHAPE_MISMATCH', message, options);
  }
}

/** A combination that `@gen` does not (yet) support, such as `rsample` on a discrete family. */
export class NotImplementedError extends GenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NOT_IMPLEMENTED', message, options);
  }
}

/** A computation that failed numerically: a non-positive-definite matrix, a NaN loss. */
export class NumericalError extends GenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NUMERICAL_FAILURE', message, options);
  }
}

/** A requested tfjs backend that cannot be loaded or initialised here. */
export class BackendError extends GenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BACKEND_UNAVAILABLE', message, options);
  }
}

/** Serialised data (weights, checkpoints, datasets) that is corrupt or of an unknown version. */
export class FormatError extends GenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_FORMAT', message, options);
  }
}

/**
 * Whether `error` is a {@link GenError} (or a subclass) from any installed copy of @gen/core,
 * optionally with the given `code`. Each subclass has its own code, so the code picks the
 * subclass: `isGenError(e, 'INVALID_FORMAT')` recognises a {@link FormatError}.
 *
 * ```ts
 * try {
 *   await loadWeightsInto(model, path);
 * } catch (e) {
 *   if (!isGenError(e, 'INVALID_FORMAT')) throw e;
 *   console.error(`corrupt weights file: ${e.message}`);
 * }
 * ```
 */
export function isGenError<C extends GenErrorCode = GenErrorCode>(
  error: unknown,
  code?: C,
): error is GenError & { readonly code: C } {
  if (!hasBrand(error, GEN_ERROR)) return false;
  const actual = (error as { code?: unknown }).code;
  return typeof actual === 'string' && (code === undefined || actual === code);
}
