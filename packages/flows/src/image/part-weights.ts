import {
  InvalidArgumentError,
  invalidArgument,
  type NamedTensors,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LearnedBijector } from '../learned-bijector.js';

// The weights of a model made of learned bijectors under `<prefix>/<layer weight name>`
// (MultiscaleFlow's `level<l>/step<k>/…`); internal.

type Layer = { prefix: string; part: LearnedBijector };

/** Copies of every layer's weights, `<prefix>/<name>`; the caller owns them. */
export function namedPartWeights(layers: readonly Layer[]): NamedTensors {
  const out: NamedTensors = {};
  for (const { prefix, part } of layers) {
    for (const [name, w] of Object.entries(part.getWeights())) out[`${prefix}/${name}`] = w;
  }
  return out;
}

/**
 * Assigns `weights` to the layers through their own `setWeights` (so ActNorm records that it is
 * initialised), after checking everything: exactly the expected names, live tensors of matching
 * dtype and shape, and permutations that are permutations.
 */
export function setPartWeights(fn: string, layers: readonly Layer[], weights: NamedTensors): void {
  if (weights === null || typeof weights !== 'object') {
    throw invalidArgument(fn, 'weights', weights, 'must be an object of named tensors');
  }
  const current = namedPartWeights(layers);
  try {
    const missing = Object.keys(current).filter((name) => !Object.hasOwn(weights, name));
    const unexpected = Object.keys(weights).filter((name) => !Object.hasOwn(current, name));
    if (missing.length > 0 || unexpected.length > 0) {
      throw new InvalidArgumentError(
        `${fn}: argument 'weights' must hold exactly the model's weights; missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]`,
      );
    }
    for (const [name, expected] of Object.entries(current)) {
      const value = weights[name];
      if (!(value instanceof tf.Tensor) || value.isDisposed || value.dtype !== expected.dtype) {
        throw invalidArgument(
          fn,
          `weights['${name}']`,
          value,
          `must be a live ${expected.dtype} tensor`,
        );
      }
      if (!tf.util.arraysEqual(value.shape, expected.shape)) {
        throw new ShapeMismatchError(
          `${fn}: weight '${name}' has shape [${expected.shape.join(', ')}], got [${value.shape.join(', ')}]`,
        );
      }
      if (name.endsWith('/permutation')) assertPermutation(fn, name, value);
    }
  } finally {
    tf.dispose(Object.values(current));
  }
  for (const { prefix, part } of layers) {
    const own: NamedTensors = {};
    for (const [name, w] of Object.entries(weights)) {
      if (name.startsWith(`${prefix}/${part.name}/`)) own[name.slice(prefix.length + 1)] = w;
    }
    part.setWeights(own);
  }
}

function assertPermutation(fn: string, name: string, value: tf.Tensor): void {
  const values = Array.from(value.dataSync());
  const ok =
    values.every((v) => Number.isInteger(v) && v >= 0 && v < values.length) &&
    new Set(values).size === values.length;
  if (!ok) {
    throw invalidArgument(
      fn,
      `weights['${name}']`,
      value,
      `must be a permutation of 0..${values.length - 1}`,
    );
  }
}
