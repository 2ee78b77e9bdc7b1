import {
  assertInteger,
  type Distribution,
  InvalidArgumentError,
  invalidArgument,
  isGenError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { className } from './class-name.js';
import { type PointwiseSpec, pointwiseTerm } from './pointwise-terms.js';
import { blockSum } from './simpson.js';

/** An interval [a, b], or in 2-D a box [[a₁, b₁], [a₂, b₂]] (an interval is used for both axes). */
export type QuadratureRange =
  | readonly [number, number]
  | readonly [readonly [number, number], readonly [number, number]];

export interface QuadratureOptions {
  /** Integration interval or box; default: min/max over both of mean ∓ 12 standard deviations. */
  range?: QuadratureRange;
  /** Number of grid points (per axis in 2-D), odd (composite Simpson); default 2001 (201 in 2-D). */
  points?: number;
}

/** Checks an odd number ≥ 3 of Simpson nodes. */
export function checkPoints(fn: string, points: number): number {
  assertInteger(fn, 'points', points, 3);
  if (points % 2 === 0) throw invalidArgument(fn, 'points', points, 'must be odd (Simpson)');
  return points;
}

/** Checks an interval [a, b] with finite a < b. */
export function checkInterval(fn: string, range: unknown): [number, number] {
  const [a, b] = Array.isArray(range) ? (range as unknown[]) : [];
  if (
    !Array.isArray(range) ||
    range.length !== 2 ||
    typeof a !== 'number' ||
    typeof b !== 'number' ||
    !Number.isFinite(a) ||
    !Number.isFinite(b) ||
    !(b > a)
  ) {
    throw invalidArgument(fn, 'range', range, 'must be [a, b] with finite a < b');
  }
  return [a, b];
}

/**
 * Σ w·q f(p/q) over the nodes `x` (axis 0), clamped at 0; `grid` names the grid in the error
 * raised where a node leaves a support. Call inside tf.tidy.
 */
export function integrateOnGrid(
  fn: string,
  spec: PointwiseSpec,
  p: Distribution,
  q: Distribution,
  x: tf.Tensor,
  w: tf.Tensor,
  grid: string,
): tf.Tensor {
  let logP: tf.Tensor;
  let logQ: tf.Tensor;
  try {
    logP = p.logProb(x);
    logQ = q.logProb(x);
  } catch (error) {
    if (!isGenError(error)) throw error;
    throw new InvalidArgumentError(
      `${fn}: the quadrature grid ${grid} leaves the support of ${className(p)} or ${className(q)}; pass options.range inside both supports (${error.message})`,
      { cause: error },
    );
  }
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(logP.shape, logQ.shape);
  logP = tf.broadcastTo(logP, shape);
  logQ = tf.broadcastTo(logQ, shape);
  const terms = pointwiseTerm(spec, { p: tf.exp(logP), q: tf.exp(logQ), logP, logQ });
  return tf.relu(blockSum(tf.mul(w, terms)));
}
