import { type Distribution, InvalidArgumentError, NotImplementedError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { className } from './class-name.js';
import type { PointwiseSpec } from './pointwise-terms.js';
import { quadrature2d } from './quadrature-2d.js';
import {
  checkInterval,
  checkPoints,
  integrateOnGrid,
  type QuadratureOptions,
} from './quadrature-grid.js';
import { simpsonNodes, simpsonWeights } from './simpson.js';

/** The interval mean ± 12σ of both distributions (over their batches), read without gradient. */
function defaultRange(fn: string, p: Distribution, q: Distribution): [number, number] {
  const [lo, hi] = tf.tidy(() => {
    const bounds = [p, q].map((d) => {
      const sd = tf.sqrt(d.variance());
      const mean = d.mean();
      return [tf.min(tf.sub(mean, tf.mul(12, sd))), tf.max(tf.add(mean, tf.mul(12, sd)))];
    });
    const low = tf.minimum(bounds[0]![0]!, bounds[1]![0]!).dataSync()[0]!;
    const high = tf.maximum(bounds[0]![1]!, bounds[1]![1]!).dataSync()[0]!;
    return [low, high];
  });
  if (!Number.isFinite(lo!) || !Number.isFinite(hi!) || !(hi! > lo!)) {
    throw new InvalidArgumentError(
      `${fn}: cannot derive a quadrature range from the means and variances of ${className(p)} and ${className(q)} (got [${lo}, ${hi}]); pass options.range`,
    );
  }
  return [lo!, hi!];
}

/**
 * ∫ q(x) f(p(x)/q(x)) dx for two 1-D distributions (event shape []; [2] goes to the 2-D
 * rule), by composite Simpson on a fixed grid. The grid depends only on the options (or on the
 * distributions' moments, read without gradient), so the result is differentiable with respect
 * to both distributions' parameters; its shape is the broadcast batch shape. Clamped at 0 like
 * the exact sums.
 */
export function quadratureDivergence(
  fn: string,
  spec: PointwiseSpec,
  p: Distribution,
  q: Distribution,
  options: QuadratureOptions,
): tf.Tensor {
  const event = `${p.eventShape.join(',')}|${q.eventShape.join(',')}`;
  if (event === '2|2') return quadrature2d(fn, spec, p, q, options);
  if (event !== '|') {
    throw new NotImplementedError(
      `${fn}: quadrature needs event shape [] or [2] for both, but the event shapes are [${p.eventShape.join(', ')}] (p) and [${q.eventShape.join(', ')}] (q); use method 'monte-carlo'`,
    );
  }
  const points = checkPoints(fn, options.points ?? 2001);
  const range = options.range ?? defaultRange(fn, p, q);
  const [a, b] = checkInterval(fn, range);
  const batchRank = Math.max(p.batchShape.length, q.batchShape.length);
  const gridShape = [points, ...new Array<number>(batchRank).fill(1)];
  return tf.tidy(() => {
    const x = tf.tensor(simpsonNodes(a, b, points), gridShape);
    const w = tf.reshape(tf.tensor1d(simpsonWeights(points, (b - a) / (points - 1))), gridShape);
    return integrateOnGrid(fn, spec, p, q, x, w, `[${a}, ${b}]`);
  });
}
