import { softplus } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, type BijectorOptions } from './bijector.js';
import type { Interval } from './domain.js';

/**
 * Sigmoid: y = σ(x) = 1/(1 + e⁻ˣ), from the reals onto (0, 1).
 * log |det J| = log σ(x) + log σ(−x) = −softplus(−x) − softplus(x), finite for every finite x
 * (log(σ(x)(1 − σ(x))) underflows to −∞ beyond |x| ≈ 17). Inverse x = log y − log1p(−y), with
 * log-det −log y − log1p(−y); `inverse` requires y strictly inside (0, 1).
 *
 * ```ts
 * new Sigmoid().forward(tf.tensor1d([0]));            // [0.5]
 * ```
 */
export class Sigmoid extends BaseBijector {
  readonly eventRank = 0;
  readonly isConstantJacobian = false;
  protected override readonly inverseDomain: Interval = { low: 0, high: 1, closed: false };

  constructor(options: BijectorOptions = {}) {
    super(options);
  }

  protected override _forward(x: tf.Tensor): tf.Tensor {
    return tf.sigmoid(x);
  }

  protected override _inverse(y: tf.Tensor): tf.Tensor {
    return tf.sub(tf.log(y), tf.log1p(tf.neg(y)));
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    return { y: tf.sigmoid(x), logDet: tf.neg(tf.add(softplus(tf.neg(x)), softplus(x))) };
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    const logY = tf.log(y);
    const log1mY = tf.log1p(tf.neg(y));
    return { x: tf.sub(logY, log1mY), logDet: tf.neg(tf.add(logY, log1mY)) };
  }
}
