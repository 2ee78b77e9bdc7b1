/**
 * Typed errors shared by every @gen package. Each carries a stable `code` so callers can branch
 * without parsing messages, and a message that names the function, the argument and the value.
 */
export type GenErrorCode =
  | 'INVALID_ARGUMENT'
  | 'SHAPE_MISMATCH'
  | 'NOT_IMPLEMENTED'
  | 'NUMERICAL_FAILURE'
  | 'BACKEND_UNAVAILABLE'
  | 'INVALID_FORMAT';

/** Base class of every error thrown by @gen. */
export class GenError extends Error {
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

/** A combination that @gen does not (yet) support, such as `rsample` on a discrete family. */
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
