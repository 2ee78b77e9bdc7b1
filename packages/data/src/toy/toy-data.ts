import { assertFiniteNumber, assertInteger, invalidArgument, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * What {@link makeToy} returns. `x` is a new tensor the caller owns (dispose it); everything
 * else is plain JavaScript, so nothing else needs disposing.
 */
export interface ToyData {
  /** Samples, float32 `[n, 2]` (`[n, 1]` for 'mixture1d'). */
  x: tf.Tensor2D;
  /**
   * Which component, class or arm each sample came from (`[n]`): the mixture component for
   * 'ring8', 'grid25', '8gaussians' and 'mixture1d', the moon / circle (0 outer, 1 inner), the
   * pinwheel arm or the spiral. Absent for 'swiss-roll' and 'checkerboard'.
   */
  labels?: Int32Array;
  /** Mixture data sets only: component means, `[k][d]`. */
  centers?: number[][];
  /** Mixture data sets only: the components' standard deviation (one number when shared). */
  std?: number | number[];
  /** Mixture data sets only: component probabilities, summing to 1. */
  weights?: number[];
}

/** One toy generator: its own option names and a sampler that validates them. */
export interface ToyGenerator {
  readonly options: readonly string[];
  generate(fn: string, n: number, rng: Rng, options: Readonly<Record<string, unknown>>): ToyData;
}

/** Reads a finite number option (default `fallback`), checked against `bound`. */
export function numberOption(
  fn: string,
  options: Readonly<Record<string, unknown>>,
  key: string,
  fallback: number,
  bound: '> 0' | '>= 0' | 'any' = 'any',
): number {
  const value = options[key] ?? fallback;
  assertFiniteNumber(fn, key, value);
  if ((bound === '> 0' && value <= 0) || (bound === '>= 0' && value < 0)) {
    throw invalidArgument(fn, key, value, `must be a finite number ${bound}`);
  }
  return value;
}

/** Reads an integer option >= `min` (default `fallback`). */
export function integerOption(
  fn: string,
  options: Readonly<Record<string, unknown>>,
  key: string,
  fallback: number,
  min: number,
): number {
  const value = options[key] ?? fallback;
  assertInteger(fn, key, value, min);
  return value;
}

/** Wraps row-major float samples as a `[n, d]` float32 tensor. */
export function toTensor(values: ArrayLike<number>, n: number, d: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(values), [n, d], 'float32');
}
