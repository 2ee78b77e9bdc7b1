import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, type BijectorOptions } from './bijector.js';
import type { Interval } from './domain.js';

/**
 * Exp: y = exp(x), from the reals onto (0, ∞). log |det J| = x; the inverse is log y with
 * log-det −log y. `TransformedDistribution({ base: normal, bijector: new Exp() })` is a
 * log-normal.
 *
 * ```ts
 * new Exp().inverseAndLogDet(tf.tensor1d([1, Math.E]));   // x [0, 1], logDet [0, −1]
 * ```
 */
export class Exp extends BaseBijector {
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
    return tf.exp(x);
  }

  protected override _inverse(y: tf.Tensor): tf.Tensor {
    return tf.log(y);
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    return { y: tf.exp(x), logDet: tf.clone(x) };
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    const x = tf.log(y);
    return { x, logDet: tf.neg(x) };
  }
}
