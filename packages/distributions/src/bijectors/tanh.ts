import { softplus } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, type BijectorOptions } from './bijector.js';
import type { Interval } from './domain.js';

/** The largest float32 below 1: tanh(x) rounds to exactly ±1 for |x| ≳ 9. */
const EDGE = 1 - 2 ** -24;

/** log(1 − tanh²x) = 2(log 2 − x − softplus(−2x)), exact in x for any sign and size. */
function forwardLogDet(x: tf.Tensor): tf.Tensor {
  return tf.mul(2, tf.sub(tf.sub(Math.LN2, x), softplus(tf.mul(-2, x))));
}

/**
 * Tanh: y = tanh(x), from the reals onto (−1, 1).
 * log |det J| = log(1 − tanh²x) = 2(log 2 − x − softplus(−2x)), which stays finite where
 * 1 − tanh²x underflows. Inverse x = atanh(y) with log-det −(forward log-det at x).
 *
 * `inverse` accepts the closed interval [−1, 1]: in float32 tanh(x) rounds to ±1 once |x| ≳ 9,
 * so y is clamped to ±(1 − 2⁻²⁴) first, giving |x| ≤ atanh(1 − 2⁻²⁴) ≈ 8.67 and a finite
 * log-det (≈ 15.9) instead of ±∞. Inside the clamp the inverse is exact.
 *
 * ```ts
 * new Tanh().inverse(tf.tensor1d([0, 0.5]));          // [0, 0.5493]
 * ```
 */
export class Tanh extends BaseBijector {
  readonly eventRank = 0;
  readonly isConstantJacobian = false;
  protected override readonly inverseDomain: Interval = { low: -1, high: 1, closed: true };

  constructor(options: BijectorOptions = {}) {
    super(options);
  }

  protected override _forward(x: tf.Tensor): tf.Tensor {
    return tf.tanh(x);
  }

  protected override _inverse(y: tf.Tensor): tf.Tensor {
    return tf.atanh(tf.clipByValue(y, -EDGE, EDGE));
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    return { y: tf.tanh(x), logDet: forwardLogDet(x) };
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    const x = this._inverse(y);
    return { x, logDet: tf.neg(forwardLogDet(x)) };
  }
}
