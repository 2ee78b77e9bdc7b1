import { invalidArgument, type NamedTensors } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { checkAgainst } from '../flow/flow-weights.js';
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
    checkAgainst(fn, current, weights);
    for (const [name, value] of Object.entries(weights)) {
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
