import * as tf from '@tensorflow/tfjs-core';
import type {
  Batch,
  Bijector,
  ConditionalBatch,
  Distribution,
  Network,
  Trainable,
} from './interfaces.js';
import { invalidArgument } from './validate.js';

// Cross-package checks are structural (or by a `Symbol.for` brand), never `instanceof`: two
// installed copies of a package, or a user's own object, must still be recognised.

const isObject = (x: unknown): x is Record<string | symbol, unknown> =>
  (typeof x === 'object' || typeof x === 'function') && x !== null;

const isLiveVariable = (v: unknown) =>
  v instanceof tf.Variable ? !v.isDisposed : isObject(v) && v.isDisposed === false;

/** Whether `x` has the members of a {@link Distribution} (`sample`, `logProb`, shapes). */
export function isDistribution(x: unknown): x is Distribution {
  return (
    isObject(x) &&
    typeof x.sample === 'function' &&
    typeof x.logProb === 'function' &&
    Array.isArray(x.batchShape) &&
    Array.isArray(x.eventShape)
  );
}

/** Throws a typed error naming `fn` and `arg` unless `x` is a {@link Distribution}. */
export function assertDistribution(fn: string, arg: string, x: unknown): asserts x is Distribution {
  if (!isDistribution(x)) throw invalidArgument(fn, arg, x, 'must be a Distribution');
}

/** Whether `x` has the members of a {@link Bijector}. */
export function isBijector(x: unknown): x is Bijector {
  return (
    isObject(x) &&
    typeof x.forward === 'function' &&
    typeof x.inverse === 'function' &&
    typeof x.forwardAndLogDet === 'function' &&
    typeof x.inverseAndLogDet === 'function' &&
    Number.isInteger(x.eventRank)
  );
}

/** Throws a typed error naming `fn` and `arg` unless `x` is a {@link Bijector}. */
export function assertBijector(fn: string, arg: string, x: unknown): asserts x is Bijector {
  if (!isBijector(x)) throw invalidArgument(fn, arg, x, 'must be a Bijector');
}

/**
 * Whether `x` is a usable {@link Network}: `apply`, `getWeights`, `setWeights`, `dispose` and a
 * list of live variables (a disposed `Module` reports `isDisposed` and is refused).
 */
export function isNetwork(x: unknown): x is Network {
  if (!isObject(x) || x.isDisposed === true) return false;
  if (
    typeof x.apply !== 'function' ||
    typeof x.getWeights !== 'function' ||
    typeof x.setWeights !== 'function' ||
    typeof x.dispose !== 'function'
  ) {
    return false;
  }
  const variables = x.trainableVariables;
  return Array.isArray(variables) && variables.every(isLiveVariable);
}

/** Throws a typed error naming `fn` and `arg` unless `x` is a {@link Network}. */
export function assertNetwork(fn: string, arg: string, x: unknown): asserts x is Network {
  if (!isNetwork(x)) {
    throw invalidArgument(
      fn,
      arg,
      x,
      'must be a Network: { apply(x), trainableVariables, getWeights(), setWeights(), dispose() } with live variables (a @gen/nn Module, fromLayersModel(model) or your own object)',
    );
  }
}

/** Whether `x` is a {@link Trainable} with at least one live variable. */
export function isTrainable(x: unknown): x is Trainable {
  if (!isObject(x)) return false;
  const variables = x.trainableVariables;
  return (
    typeof x.loss === 'function' &&
    typeof x.getWeights === 'function' &&
    typeof x.setWeights === 'function' &&
    Array.isArray(variables) &&
    variables.length > 0 &&
    variables.every(isLiveVariable)
  );
}

const isTensorLike = (t: unknown): t is tf.Tensor => t instanceof tf.Tensor;

/** Whether `batch` is a {@link ConditionalBatch} (`{ x, condition }` of tensors), not a tensor. */
export function isConditionalBatch(batch: unknown): batch is ConditionalBatch {
  return (
    isObject(batch) &&
    !(batch instanceof tf.Tensor) &&
    isTensorLike(batch.x) &&
    isTensorLike(batch.condition)
  );
}

/**
 * The parts of a {@link Batch}: its examples and, for a {@link ConditionalBatch}, their
 * conditions (checked to have as many rows as there are examples, else a typed error naming
 * `fn`'s argument `batch`).
 */
export function splitBatch(fn: string, batch: Batch): { x: tf.Tensor; condition?: tf.Tensor } {
  if (batch instanceof tf.Tensor) return { x: batch };
  if (!isConditionalBatch(batch)) {
    throw invalidArgument(fn, 'batch', batch, 'must be a tensor or { x, condition } of tensors');
  }
  const { x, condition } = batch;
  if (condition.rank !== 2 || condition.shape[0] !== x.shape[0]) {
    throw invalidArgument(
      fn,
      'batch.condition',
      condition,
      `must be [n, conditionSize] with n = ${x.shape[0]} rows, one per example`,
    );
  }
  return { x, condition };
}
