import { log1mexp, logSigmoid, softplus } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, type BijectorOptions } from './bijector.js';
import type { Interval } from './domain.js';

/**
 * softplus(x) accurate in relative terms on every backend: for x < 0 it is
 * −log(1 − σ(x)) = −log1mexp(log σ(x)), whose log1p runs through @gen/core's accurate path
 * (wasm's own log1p, used by `softplus`, loses ~10⁻³ relative precision at softplus(−9)).
 * The negative branch sees min(x, 0) so that it stays finite, with finite gradients, for x > 0.
 */
function accurateSoftplus(x: tf.Tensor): tf.Tensor {
  const negative = tf.neg(log1mexp(logSigmoid(tf.minimum(x, 0))));
  return tf.where(tf.less(x, 0), negative, softplus(x));
}

/**
 * Softplus: y = log(1 + eˣ), from the reals onto (0, ∞); a smooth alternative to Exp for
 * positive parameters. log |det J| = log σ(x) = −softplus(−x).
 * Inverse x = log(eʸ − 1) = y + log(1 − e⁻ʸ) = y + log1mexp(−y), accurate both for y → 0
 * (where eʸ − 1 loses digits) and for large y (where eʸ overflows); its log-det is
 * −log1mexp(−y).
 *
 * ```ts
 * new Softplus().inverse(tf.tensor1d([1e-4, 30]));    // [−9.2103, 30]
 * ```
 */
export class Softplus extends BaseBijector {
  readonly eventRank = 0;
  readonly isConstantJacobian = false;
  protected override readonly inverseDomain: Interval = {
    low: 0,
    high: Infinity,
    closed: false,
  };

  constructor(options: BijectorOptions = {}) {
    super(options);
  }

  protected override _forward(x: tf.Tensor): tf.Tensor {
    return accurateSoftplus(x);
  }

  protected override _inverse(y: tf.Tensor): tf.Tensor {
    return tf.add(y, log1mexp(tf.neg(y)));
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    return { y: accurateSoftplus(x), logDet: logSigmoid(x) };
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    const l = log1mexp(tf.neg(y));
    return { x: tf.add(y, l), logDet: tf.neg(l) };
  }
}
