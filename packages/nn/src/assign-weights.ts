import {
  InvalidArgumentError,
  invalidArgument,
  type NamedTensors,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { assertFiniteWeights } from './finite-weights.js';

/**
 * Assigns `own` (variables by stable name) from `weights`, which must hold exactly those names,
 * each a live tensor of the variable's dtype and shape, without NaN or ±Inf. Everything is checked before anything is
 * assigned, so a mismatch leaves every variable as it was; `weights` stays owned by the caller.
 * `owner` describes the variables' owner in the error message (e.g. "module 'mlp'").
 */
export function assignWeights(
  fn: string,
  owner: string,
  own: Readonly<Record<string, tf.Variable>>,
  weights: NamedTensors,
): void {
  if (weights === null || typeof weights !== 'object') {
    throw invalidArgument(fn, 'weights', weights, 'must be an object of named tensors');
  }
  const missing = Object.keys(own).filter((name) => !Object.hasOwn(weights, name));
  const unexpected = Object.keys(weights).filter((name) => !Object.hasOwn(own, name));
  if (missing.length > 0 || unexpected.length > 0) {
    throw new InvalidArgumentError(
      `${fn}: argument 'weights' must hold exactly the weights of ${owner}` +
        `; missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]`,
    );
  }
  for (const [name, variable] of Object.entries(own)) {
    const value = weights[name];
    if (!(value instanceof tf.Tensor) || value.isDisposed) {
      throw invalidArgument(fn, `weights['${name}']`, value, 'must be a live tf.Tensor');
    }
    if (value.dtype !== variable.dtype) {
      throw invalidArgument(fn, `weights['${name}']`, value, `must have dtype ${variable.dtype}`);
    }
    if (!tf.util.arraysEqual(value.shape, variable.shape)) {
      throw new ShapeMismatchError(
        `${fn}: weight '${name}' has shape [${variable.shape.join(', ')}], ` +
          `got [${value.shape.join(', ')}]`,
      );
    }
  }
  assertFiniteWeights(fn, weights);
  // assign() shares the data by reference count, so the caller's tensors stay valid and
  // disposing them later frees nothing the variables still use.
  for (const [name, variable] of Object.entries(own)) variable.assign(weights[name]!);
}
