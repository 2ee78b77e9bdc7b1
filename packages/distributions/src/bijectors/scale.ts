import { InvalidArgumentError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { ParamLike } from '../param.js';
import { BaseBijector, type BijectorOptions } from './bijector.js';
import { checkInterval, REAL } from './domain.js';

/** Throws unless every entry of a scale is finite and non-zero. */
export function checkNonZero(fn: string, arg: string, t: tf.Tensor): void {
  checkInterval(fn, arg, t, REAL);
  const values = t.dataSync();
  const i = values.indexOf(0);
  if (i >= 0) {
    throw new InvalidArgumentError(
      `${fn}: argument '${arg}' must be non-zero (an invertible scale), got 0 at flat index ${i}`,
    );
  }
}

/**
 * Scale: y = scale · x, elementwise (scale broadcasts against x; negative scales reflect).
 * log |det J| = log |scale| per element.
 *
 * ```ts
 * const b = new Scale(2);
 * b.forwardAndLogDet(tf.tensor1d([1, 3]));            // y [2, 6], logDet [log 2, log 2]
 * ```
 */
export class Scale extends BaseBijector {
  readonly eventRank = 0;
  readonly isConstantJacobian = true;
  readonly scale: tf.Tensor;

  constructor(scale: ParamLike, options: BijectorOptions = {}) {
    super(options);
    this.scale = this.param('scale', scale);
    if (this.validateArgs) this.guard(() => checkNonZero('Scale', 'scale', this.scale));
  }

  protected override _forward(x: tf.Tensor): tf.Tensor {
    return tf.mul(x, this.scale);
  }

  protected override _inverse(y: tf.Tensor): tf.Tensor {
    return tf.div(y, this.scale);
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    const y = this._forward(x);
    return { y, logDet: tf.broadcastTo(tf.log(tf.abs(this.scale)), y.shape) };
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    const x = this._inverse(y);
    return { x, logDet: tf.broadcastTo(tf.neg(tf.log(tf.abs(this.scale))), x.shape) };
  }
}
