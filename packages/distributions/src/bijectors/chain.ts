import { assertBijector, type Bijector, formatValue, InvalidArgumentError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { disposePart, prefixedParams, sumRightmost } from '../composite-utils.js';
import { BaseBijector, type BijectorOptions } from './bijector.js';

/**
 * Composition of bijectors, in function-composition order like TFP's and Distrax's `Chain`:
 * `new Chain([f, g])` is f ∘ g, so `forward` applies g first (the last element acts first on
 * the input), then f; `inverse` applies f⁻¹ first. (torch's `ComposeTransform` and
 * @gen/flows' `Flow({ transforms })` list the other way, first-applied first: a `Flow` builds
 * `new Chain([...transforms].reverse())`.) `eventRank` is the largest of the parts'; each part's log-det is summed over the
 * event axes it does not already cover, then the log-dets add:
 * log |det J_{f∘g}(x)| = log |det J_g(x)| + log |det J_f(g(x))|.
 *
 * The chain takes ownership of its parts: `dispose()` disposes each of them.
 *
 * ```ts
 * // x ↦ 1 + 2·exp(x): Exp first, then the affine map.
 * const b = new Chain([new Affine({ shift: 1, scale: 2 }), new Exp()]);
 * ```
 */
export class Chain extends BaseBijector {
  readonly eventRank: number;
  readonly isConstantJacobian: boolean;
  readonly bijectors: readonly Bijector[];
  protected override readonly forwardDomain = null;
  protected override readonly inverseDomain = null;

  constructor(bijectors: readonly Bijector[], options: BijectorOptions = {}) {
    super(options);
    if (!Array.isArray(bijectors) || bijectors.length === 0) {
      throw new InvalidArgumentError(
        `Chain: argument 'bijectors' must be a non-empty array of bijectors, got ${formatValue(bijectors)}`,
      );
    }
    bijectors.forEach((b, i) => {
      assertBijector('Chain', `bijectors[${i}]`, b);
    });
    this.bijectors = Object.freeze([...bijectors]);
    this.eventRank = Math.max(...bijectors.map((b) => b.eventRank));
    this.isConstantJacobian = bijectors.every((b) => b.isConstantJacobian);
  }

  override get params(): Readonly<Record<string, tf.Tensor>> {
    return Object.assign({}, ...this.bijectors.map((b, i) => prefixedParams(String(i), b)));
  }

  override dispose(): void {
    for (const b of this.bijectors) disposePart(b);
    super.dispose();
  }

  protected override _forward(x: tf.Tensor): tf.Tensor {
    return this.bijectors.reduceRight((t, b) => b.forward(t), x);
  }

  protected override _inverse(y: tf.Tensor): tf.Tensor {
    return this.bijectors.reduce((t, b) => b.inverse(t), y);
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    let y = x;
    let logDet: tf.Tensor | undefined;
    for (let i = this.bijectors.length - 1; i >= 0; i--) {
      const b = this.bijectors[i]!;
      const step = b.forwardAndLogDet(y);
      y = step.y;
      const reduced = sumRightmost(step.logDet, this.eventRank - b.eventRank);
      logDet = logDet ? tf.add(logDet, reduced) : reduced;
    }
    return { y, logDet: logDet! };
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    let x = y;
    let logDet: tf.Tensor | undefined;
    for (const b of this.bijectors) {
      const step = b.inverseAndLogDet(x);
      x = step.x;
      const reduced = sumRightmost(step.logDet, this.eventRank - b.eventRank);
      logDet = logDet ? tf.add(logDet, reduced) : reduced;
    }
    return { x, logDet: logDet! };
  }
}
