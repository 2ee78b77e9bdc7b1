import * as tf from '@tensorflow/tfjs-core';
import type { ParamLike } from '../param.js';
import { BaseBijector, type BijectorOptions } from './bijector.js';
import { checkInterval, REAL } from './domain.js';

/**
 * Shift: y = x + shift, elementwise (shift broadcasts against x). log |det J| = 0.
 *
 * ```ts
 * const b = new Shift([1, -1]);
 * b.forward(tf.tensor1d([0, 0]));                     // [1, -1]
 * ```
 */
export class Shift extends BaseBijector {
  readonly eventRank = 0;
  readonly isConstantJacobian = true;
  readonly shift: tf.Tensor;

  constructor(shift: ParamLike, options: BijectorOptions = {}) {
    super(options);
    this.shift = this.param('shift', shift);
    if (this.validateArgs) this.guard(() => checkInterval('Shift', 'shift', this.shift, REAL));
  }

  protected override _forward(x: tf.Tensor): tf.Tensor {
    return tf.add(x, this.shift);
  }

  protected override _inverse(y: tf.Tensor): tf.Tensor {
    return tf.sub(y, this.shift);
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    const y = this._forward(x);
    return { y, logDet: tf.zerosLike(y) };
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    const x = this._inverse(y);
    return { x, logDet: tf.zerosLike(x) };
  }
}
