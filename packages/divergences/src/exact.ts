import { ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { safeLog } from './log-ratio.js';
import { type PointwiseSpec, pointwiseTerm } from './pointwise-terms.js';
import { type ProbabilityVector, toProbabilityVector } from './probability-vector.js';

/**
 * Σ_k q_k f(p_k/q_k) along the last axis of two (batches of) probability vectors that
 * broadcast against each other; result of the broadcast batch shape. The sum is clamped at 0
 * (every divergence is ≥ 0; rounding near p = q could otherwise leave −1e−9).
 */
export function exactDivergence(
  fn: string,
  spec: PointwiseSpec,
  p: tf.Tensor,
  q: tf.Tensor,
): tf.Tensor {
  const kp = p.shape[p.rank - 1];
  const kq = q.shape[q.rank - 1];
  let shape: number[];
  try {
    if (kp !== kq) throw new Error('sizes differ');
    shape = tf.broadcast_util.assertAndGetBroadcastShape(p.shape, q.shape);
  } catch {
    throw new ShapeMismatchError(
      `${fn}: the probability vectors 'p' of shape [${p.shape.join(', ')}] and 'q' of shape [${q.shape.join(', ')}] must have the same last axis and broadcast`,
    );
  }
  return tf.tidy(() => {
    const pb = tf.broadcastTo(p, shape);
    const qb = tf.broadcastTo(q, shape);
    const terms = pointwiseTerm(spec, { p: pb, q: qb, logP: safeLog(pb), logQ: safeLog(qb) });
    return tf.relu(tf.sum(terms, -1));
  });
}

/**
 * {@link exactDivergence} of two probability vectors given as arrays or tensors: converts and
 * (when `validate`) checks them under the names 'p' and 'q' of the public function `fn`.
 */
export function exactDivergenceOfVectors(
  fn: string,
  spec: PointwiseSpec,
  p: ProbabilityVector,
  q: ProbabilityVector,
  validate: boolean,
): tf.Tensor {
  const pv = toProbabilityVector(fn, 'p', p, validate);
  try {
    const qv = toProbabilityVector(fn, 'q', q, validate);
    try {
      return exactDivergence(fn, spec, pv.tensor, qv.tensor);
    } finally {
      if (qv.owned) qv.tensor.dispose();
    }
  } finally {
    if (pv.owned) pv.tensor.dispose();
  }
}
