import { type Distribution, InvalidArgumentError, invalidArgument } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { className } from './class-name.js';
import type { PointwiseSpec } from './pointwise-terms.js';
import {
  checkInterval,
  checkPoints,
  integrateOnGrid,
  type QuadratureOptions,
} from './quadrature-grid.js';
import { simpsonNodes, simpsonWeights } from './simpson.js';

type Box = [[number, number], [number, number]];

/** The box mean ± 12σ per coordinate over both distributions and their batches, read without gradient. */
function defaultBox(fn: string, p: Distribution, q: Distribution): Box {
  const bounds = tf.tidy(() => {
    const parts = [p, q].map((d) => {
      const mean = tf.reshape(d.mean(), [-1, 2]);
      const spread = tf.mul(12, tf.reshape(tf.sqrt(d.variance()), [-1, 2]));
      return [tf.min(tf.sub(mean, spread), 0), tf.max(tf.add(mean, spread), 0)];
    });
    const low = tf.minimum(parts[0]![0]!, parts[1]![0]!).dataSync();
    const high = tf.maximum(parts[0]![1]!, parts[1]![1]!).dataSync();
    return [low[0]!, high[0]!, low[1]!, high[1]!];
  });
  const [a1, b1, a2, b2] = bounds as [number, number, number, number];
  if (![a1, b1, a2, b2].every(Number.isFinite) || !(b1 > a1) || !(b2 > a2)) {
    throw new InvalidArgumentError(
      `${fn}: cannot derive a quadrature box from the means and variances of ${className(p)} and ${className(q)} (got [[${a1}, ${b1}], [${a2}, ${b2}]]); pass options.range`,
    );
  }
  return [
    [a1, b1],
    [a2, b2],
  ];
}

/** An interval used for both axes, or a box [[a₁, b₁], [a₂, b₂]]. */
function checkBox(fn: string, range: unknown): Box {
  if (Array.isArray(range) && range.length === 2 && range.every(Array.isArray)) {
    try {
      return [checkInterval(fn, range[0]), checkInterval(fn, range[1])];
    } catch {
      throw invalidArgument(fn, 'range', range, 'must be [[a₁, b₁], [a₂, b₂]] with finite a < b');
    }
  }
  const interval = checkInterval(fn, range);
  return [interval, [...interval]];
}

/**
 * ∫∫ q f(p/q) over a box for two distributions of event shape [2], by the tensor product of two
 * composite Simpson rules (`points` odd nodes per axis, default 201, so 40 401 density
 * evaluations per batch member). For smooth densities that are negligible outside the box the
 * rule's error falls like h⁴ (halving h divides it by about 16); with the defaults (mean ± 12σ
 * per axis) KL and squared Hellinger between bivariate Gaussians of comparable scales come
 * within 2e−5 relative of their closed forms, about the float32 rounding of the sum.
 * Differentiable in the parameters (the box is read without gradient); the result has the
 * broadcast batch shape and is clamped at 0.
 */
export function quadrature2d(
  fn: string,
  spec: PointwiseSpec,
  p: Distribution,
  q: Distribution,
  options: QuadratureOptions,
): tf.Tensor {
  const points = checkPoints(fn, options.points ?? 201);
  const [[a1, b1], [a2, b2]] =
    options.range === undefined ? defaultBox(fn, p, q) : checkBox(fn, options.range);
  const batchRank = Math.max(p.batchShape.length, q.batchShape.length);
  const ones = new Array<number>(batchRank).fill(1);
  const n = points * points;
  return tf.tidy(() => {
    const u = simpsonNodes(a1, b1, points);
    const v = simpsonNodes(a2, b2, points);
    const wu = simpsonWeights(points, (b1 - a1) / (points - 1));
    const wv = simpsonWeights(points, (b2 - a2) / (points - 1));
    const nodes = new Float32Array(2 * n);
    const weights = new Float32Array(n);
    for (let i = 0; i < points; i++) {
      for (let j = 0; j < points; j++) {
        const k = i * points + j;
        nodes[2 * k] = u[i]!;
        nodes[2 * k + 1] = v[j]!;
        weights[k] = wu[i]! * wv[j]!;
      }
    }
    const x = tf.tensor(nodes, [n, ...ones, 2]);
    const w = tf.tensor(weights, [n, ...ones]);
    return integrateOnGrid(fn, spec, p, q, x, w, `[[${a1}, ${b1}], [${a2}, ${b2}]]`);
  });
}
