import {
  assertInteger,
  assertRng,
  type Distribution,
  type Rng,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { className } from './class-name.js';
import { type PointwiseSpec, pointwiseTerm } from './pointwise-terms.js';

/** A Monte Carlo estimate and its standard error, both of the broadcast batch shape. */
export interface DivergenceEstimate {
  value: tf.Tensor;
  standardError: tf.Tensor;
}

export interface MonteCarloOptions {
  /** Draws from each of P and Q (default 1000). */
  samples?: number;
  /** Source of the draws (required). */
  rng?: Rng;
}

/** `n` draws of `d`, reshaped to broadcast against the batch of rank `batchRank`. */
function draw(d: Distribution, n: number, rng: Rng, batchRank: number): tf.Tensor {
  const x = d.hasRsample ? d.rsample(n, rng) : d.sample(n, rng);
  const pad = batchRank - d.batchShape.length;
  return pad > 0 ? tf.reshape(x, [n, ...new Array<number>(pad).fill(1), ...x.shape.slice(1)]) : x;
}

/**
 * h(x) = q f(p/q) / m at x, with m = (p+q)/2, so D_f(P‖Q) = ∫ m h = ½E_P[h] + ½E_Q[h]. The
 * ratios p/m and q/m are at most 2, so h is as tame as f allows wherever either density is.
 */
function balancedIntegrand(spec: PointwiseSpec, p: Distribution, q: Distribution, x: tf.Tensor) {
  const lp = p.logProb(x);
  const lq = q.logProb(x);
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(lp.shape, lq.shape);
  const both = tf.stack([tf.broadcastTo(lp, shape), tf.broadcastTo(lq, shape)]);
  const logM = tf.sub(tf.logSumExp(both, 0), Math.LN2);
  const logP = tf.sub(lp, logM);
  const logQ = tf.sub(lq, logM);
  return pointwiseTerm(spec, { p: tf.exp(logP), q: tf.exp(logQ), logP, logQ });
}

/**
 * Monte Carlo D_f(P‖Q) from `samples` draws of each distribution (stratified over the mixture
 * M = (P+Q)/2): value ½(mean_P h + mean_Q h), standard error ½√(s²_P/n + s²_Q/n). Draws are
 * reparameterised where the family has `rsample`, so the value is a pathwise-differentiable
 * estimate; otherwise the draws are detached. Needs `logProb` of each at the other's draws.
 */
export function monteCarloDivergence(
  fn: string,
  spec: PointwiseSpec,
  p: Distribution,
  q: Distribution,
  options: MonteCarloOptions,
): DivergenceEstimate {
  const n = options.samples ?? 1000;
  assertInteger(fn, 'samples', n, 2);
  assertRng(fn, 'rng', options.rng);
  if (!tf.util.arraysEqual([...p.eventShape], [...q.eventShape])) {
    throw new ShapeMismatchError(
      `${fn}: the event shapes of p (${className(p)}, [${p.eventShape.join(', ')}]) and q (${className(q)}, [${q.eventShape.join(', ')}]) differ`,
    );
  }
  const [rngP, rngQ] = options.rng.split(2) as [Rng, Rng];
  const batchRank = Math.max(p.batchShape.length, q.batchShape.length);
  return tf.tidy(() => {
    const parts = [
      balancedIntegrand(spec, p, q, draw(p, n, rngP, batchRank)),
      balancedIntegrand(spec, p, q, draw(q, n, rngQ, batchRank)),
    ].map((h) => tf.moments(h, 0));
    const value = tf.mul(0.5, tf.add(parts[0]!.mean, parts[1]!.mean));
    const variance = tf.add(parts[0]!.variance, parts[1]!.variance);
    const standardError = tf.mul(0.5, tf.sqrt(tf.div(variance, n - 1)));
    return { value, standardError };
  });
}
