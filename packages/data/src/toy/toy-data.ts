import {
  assertFiniteNumber,
  assertInteger,
  InvalidArgumentError,
  invalidArgument,
  type Rng,
} from '@gen/core';
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

/** Largest sample count, or count of modes, arms or grid points, a toy data set takes. */
export const MAX_COUNT = 10_000_000;

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
  if (value > MAX_COUNT) throw invalidArgument(fn, key, value, `must be <= ${MAX_COUNT}`);
  return value;
}

/**
 * Wraps row-major float samples as a `[n, d]` float32 tensor. Options that put samples beyond
 * the float32 range (±3.4e38, e.g. a huge scale) are refused rather than returned as ±Inf.
 */
export function toTensor(fn: string, values: ArrayLike<number>, n: number, d: number): tf.Tensor2D {
  const data = Float32Array.from(values);
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new InvalidArgumentError(
      `${fn}: the options give a sample beyond the float32 range (${values[bad]} at row ${Math.floor(bad / d)}); use smaller scales`,
    );
  }
  return tf.tensor2d(data, [n, d], 'float32');
}
