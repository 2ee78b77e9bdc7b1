import { InvalidArgumentError } from '@gen/core';

/**
 * A method that needs parameters was called on a mixture that has none yet (not fitted,
 * initialised or given weights, or disposed). Code 'INVALID_ARGUMENT', like a bad argument.
 */
export class NotFittedError extends InvalidArgumentError {}
