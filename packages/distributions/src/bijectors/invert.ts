import { assertBijector, type Bijector } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';
import { disposePart, prefixedParams } from '../composite-utils.js';
import { BaseBijector, type BijectorOptions } from './bijector.js';

/**
 * The inverse of a bijector: `new Invert(b).forward = b.inverse` and vice versa, with the
 * log-dets swapped accordingly. `new Invert(new Exp())` is the log map onto the reals.
 * Takes ownership of `b`: `dispose()` disposes it.
 *
 * ```ts
 * const logit = new Invert(new Sigmoid());
 * logit.forward(tf.tensor1d([0.5]));                  // [0]
 * ```
 */
export class Invert extends BaseBijector {
  readonly eventRank: number;
  readonly isConstantJacobian: boolean;
  readonly bijector: Bijector;
  protected override readonly forwardDomain = null;
  protected override readonly inverseDomain = null;

  constructor(bijector: Bijector, options: BijectorOptions = {}) {
    super(options);
    assertBijector('Invert', 'bijector', bijector);
    this.bijector = bijector;
    this.eventRank = bijector.eventRank;
    this.isConstantJacobian = bijector.isConstantJacobian;
  }

  override get params(): Readonly<Record<string, tf.Tensor>> {
    return prefixedParams('bijector', this.bijector);
  }

  override dispose(): void {
    disposePart(this.bijector);
    super.dispose();
  }

  protected override _forward(x: tf.Tensor): tf.Tensor {
    return this.bijector.inverse(x);
  }

  protected override _inverse(y: tf.Tensor): tf.Tensor {
    return this.bijector.forward(y);
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    const { x: y, logDet } = this.bijector.inverseAndLogDet(x);
    return { y, logDet };
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    const { y: x, logDet } = this.bijector.forwardAndLogDet(y);
    return { x, logDet };
  }
}
