import { softplus } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { recordPart } from '../flow/transform-configs.js';
import { LearnedBijector } from '../learned-bijector.js';
import { type LearnedBijectorOptions, parseLearnedOptions } from '../options.js';

export type RadialOptions = LearnedBijectorOptions;

/**
 * Radial flow (Rezende & Mohamed 2015): with r = ‖x − x₀‖ and h = 1/(α + r),
 *
 *   y = x + β·h·(x − x₀),   log |det J| = (D − 1)·log(1 + βh) + log(1 + βα/(α + r)²),
 *
 * α = softplus(α̃) > 0 and β = −α + softplus(β̃) > −α, the condition for invertibility. The
 * inverse is in closed form: ‖y − x₀‖ = r·(α + r + β)/(α + r) is a quadratic in r with one
 * non-negative root, taken in its cancellation-free form, and x = x₀ + (y − x₀)(α + r)/(α + r + β).
 * Computed through γ = α + β = softplus(β̃), so β → −α loses no precision.
 * Weights start at x₀ ∼ N(0, 1), α̃ = 0 and β̃ ∼ U(−0.1, 0.1): close to the identity.
 * `hiddenSizes` is accepted and ignored (no network).
 *
 * ```ts
 * const radial = new Radial({ dim: 2, seed: 0 });
 * const x = radial.inverse(radial.forward(z)); // ≈ z
 * ```
 */
export class Radial extends LearnedBijector {
  readonly isConstantJacobian = false;
  readonly center: tf.Variable;
  readonly alphaRaw: tf.Variable;
  readonly betaRaw: tf.Variable;

  constructor(options: RadialOptions) {
    const fn = 'Radial';
    const { dim, rng } = parseLearnedOptions(fn, options, []);
    super(fn, options.name ?? 'radial', dim);
    recordPart(this, fn, options);
    this.center = this.addWeight('center', [dim], (shape, _f, r) => r.normal(shape), rng);
    this.alphaRaw = this.addWeight('alphaRaw', [1], 'zeros', rng);
    this.betaRaw = this.addWeight(
      'betaRaw',
      [1],
      (shape, _f, r) => r.uniform(shape, -0.1, 0.1),
      rng,
    );
  }

  /** α > 0 and β > −α as scalars (β = γ − α with γ = softplus(β̃) > 0). */
  alphaBeta(): { alpha: tf.Tensor; beta: tf.Tensor } {
    return tf.tidy(() => {
      const { alpha, gamma } = this.alphaGamma();
      return { alpha, beta: tf.sub(gamma, alpha) };
    });
  }

  // Everything below is written with γ = α + β > 0 instead of β, so that nothing cancels when β
  // is close to −α: 1 + βh = (r + γ)/(α + r) and 1 + βα/(α + r)² = (r² + 2αr + αγ)/(α + r)².

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    const { alpha, gamma } = this.alphaGamma();
    const diff = tf.sub(x, this.center);
    const r = tf.sqrt(tf.sum(tf.square(diff), -1));
    const factor = tf.div(tf.add(r, gamma), tf.add(alpha, r));
    const y = tf.add(this.center, tf.mul(tf.expandDims(factor, -1), diff));
    return { y, logDet: this.logDet(alpha, gamma, r) };
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    const { alpha, gamma } = this.alphaGamma();
    const diff = tf.sub(y, this.center);
    const d = tf.sqrt(tf.sum(tf.square(diff), -1));
    // d = r(r + γ)/(α + r), i.e. r² + q·r − α·d = 0 with q = γ − d; r is its root >= 0.
    const q = tf.sub(gamma, d);
    const root = tf.sqrt(tf.add(tf.square(q), tf.mul(tf.mul(4, alpha), d)));
    const positive = tf.greater(q, 0);
    const safe = tf.where(positive, tf.add(q, root), tf.onesLike(q));
    const r = tf.where(
      positive,
      tf.div(tf.mul(tf.mul(2, alpha), d), safe),
      tf.mul(0.5, tf.sub(root, q)),
    );
    const factor = tf.div(tf.add(alpha, r), tf.add(r, gamma));
    const x = tf.add(this.center, tf.mul(tf.expandDims(factor, -1), diff));
    return { x, logDet: tf.neg(this.logDet(alpha, gamma, r)) };
  }

  private alphaGamma(): { alpha: tf.Tensor; gamma: tf.Tensor } {
    return {
      alpha: tf.reshape(softplus(this.alphaRaw), []),
      gamma: tf.reshape(softplus(this.betaRaw), []),
    };
  }

  /** (D − 1)·log((r + γ)/(α + r)) + log(r² + 2αr + αγ) − 2·log(α + r). */
  private logDet(alpha: tf.Tensor, gamma: tf.Tensor, r: tf.Tensor): tf.Tensor {
    const logAr = tf.log(tf.add(alpha, r));
    const first = tf.mul(this.dim - 1, tf.sub(tf.log(tf.add(r, gamma)), logAr));
    const quadratic = tf.add(tf.mul(r, tf.add(r, tf.mul(2, alpha))), tf.mul(alpha, gamma));
    return tf.add(first, tf.sub(tf.log(quadratic), tf.mul(2, logAr)));
  }
}
