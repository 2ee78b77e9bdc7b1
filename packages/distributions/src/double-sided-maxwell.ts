import { brand, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const EULER_GAMMA = 0.5772156649015329;

export interface DoubleSidedMaxwellParams extends DistributionOptions {
  loc: ParamLike;
  /** Scale σ > 0. */
  scale: ParamLike;
}

/**
 * Double-sided Maxwell(μ, σ) (TFP's `DoublesidedMaxwell`), elementwise over a batch: the Maxwell
 * density of |x − μ| halved over the real line. It is the weak derivative of a Gaussian with
 * respect to its scale (Mohamed et al. 2019), hence its use in measure-valued estimators.
 *
 * p(x) = z² exp(−z²/2) / (σ √(2π)) with z = (x − μ)/σ; mean μ, variance 3σ², entropy
 * log σ + ½ log 2π + γ − ½ + log 2 (the Maxwell entropy plus log 2; γ: Euler's constant).
 * Reparameterised draws x = μ + σ·s·√(ε₁² + ε₂² + ε₃²) with εᵢ ~ N(0, 1) and a random sign s.
 *
 * ```ts
 * const d = new DoubleSidedMaxwell({ loc: 0, scale: [1, 2] });  // batchShape [2]
 * const x = d.rsample(100, Rng.fromSeed(0));                    // [100, 2], differentiable
 * ```
 */
export class DoubleSidedMaxwell extends BaseDistribution {
  static {
    brand(DoubleSidedMaxwell, '@gen/distributions/DoubleSidedMaxwell');
  }

  readonly hasRsample = true;
  readonly support = 'real' as const;
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;

  constructor(params: DoubleSidedMaxwellParams) {
    checkParamsObject('DoubleSidedMaxwell', params, ['loc', 'scale']);
    const { loc, scale, ...options } = params;
    const p = BaseDistribution.prepare(
      'DoubleSidedMaxwell',
      { loc, scale },
      { loc: 'real', scale: 'positive' },
      options,
    );
    super(p.params, p.batchShape, [], options);
    this.own(p.owned);
    this.loc = p.params.loc!;
    this.scale = p.params.scale!;
  }

  protected override _rsample(n: number, rng: Rng): tf.Tensor {
    const shape = this.sampleShape(n);
    const radius = tf.sqrt(tf.sum(tf.square(rng.normal([...shape, 3])), -1));
    const sign = tf.where(tf.less(rng.uniform(shape), 0.5), tf.fill(shape, -1), tf.ones(shape));
    return tf.add(this.loc, tf.mul(this.scale, tf.mul(sign, radius)));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const z2 = tf.square(tf.div(tf.sub(x, this.loc), this.scale));
    const kernel = tf.sub(tf.log(z2), tf.mul(0.5, z2));
    return tf.sub(kernel, tf.add(tf.log(this.scale), HALF_LOG_2PI));
  }

  protected _entropy(): tf.Tensor {
    return tf.add(tf.log(this.scale), HALF_LOG_2PI + EULER_GAMMA - 0.5 + Math.LN2);
  }

  protected _mean(): tf.Tensor {
    return tf.clone(this.loc);
  }

  protected _variance(): tf.Tensor {
    return tf.mul(3, tf.square(this.scale));
  }

  /**
   * NaN: the density is bimodal, with equal maxima at μ ± √2σ and a zero at μ, so there is no
   * unique mode.
   */
  protected override _mode(): tf.Tensor {
    return tf.fill(this.batchShape as number[], Number.NaN);
  }

  /**
   * ½ + ½ sign(x − μ) F(|x − μ|), with F(r) = erf(r/(σ√2)) − √(2/π) (r/σ) e^(−r²/(2σ²)) the
   * Maxwell cdf.
   */
  protected override _cdf(x: tf.Tensor): tf.Tensor {
    const d = tf.sub(x, this.loc);
    const r = tf.div(tf.abs(d), this.scale);
    const maxwell = tf.sub(
      tf.erf(tf.mul(r, Math.SQRT1_2)),
      tf.mul(Math.sqrt(2 / Math.PI), tf.mul(r, tf.exp(tf.mul(-0.5, tf.square(r))))),
    );
    return tf.add(0.5, tf.mul(0.5, tf.mul(tf.sign(d), maxwell)));
  }
}
