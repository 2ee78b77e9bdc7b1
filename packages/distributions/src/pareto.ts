import { brand, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';

export interface ParetoParams extends DistributionOptions {
  /** Scale xₘ > 0, the lower end of the support. */
  scale: ParamLike;
  /** Shape (tail index) α > 0. */
  alpha: ParamLike;
}

/**
 * Pareto(xₘ, α) (type I) on x ≥ xₘ, elementwise over a batch (torch's `Pareto(scale, alpha)`,
 * scipy's `pareto(b=α, scale=xₘ)`).
 *
 * log p(x) = log α + α log xₘ − (α + 1) log x for x ≥ xₘ, −∞ below; cdf 1 − (xₘ/x)^α, inverse
 * cdf xₘ (1 − p)^(−1/α); mean α xₘ/(α − 1) (∞ for α ≤ 1), variance xₘ² α/((α − 1)²(α − 2))
 * (∞ for α ≤ 2), entropy log(xₘ/α) + 1/α + 1, mode xₘ. Reparameterised draws by the inverse
 * cdf, x = xₘ exp(E/α) with E = −log(1 − U) standard exponential.
 *
 * The support [xₘ, ∞) depends on the parameters, so {@link support} is the widest fixed set
 * containing it, `'positive'`: with validation on, `logProb` rejects x ≤ 0 (and non-finite
 * x), and returns −∞ for 0 < x < xₘ without throwing.
 *
 * ```ts
 * const d = new Pareto({ scale: 1, alpha: [1.5, 3] });  // batchShape [2]
 * const x = d.rsample(100, Rng.fromSeed(0));            // [100, 2], differentiable
 * ```
 */
export class Pareto extends BaseDistribution {
  static {
    brand(Pareto, '@gen/distributions/Pareto');
  }

  readonly hasRsample = true;
  readonly support = 'positive' as const;
  readonly scale: tf.Tensor;
  readonly alpha: tf.Tensor;

  constructor(params: ParetoParams) {
    checkParamsObject('Pareto', params, ['scale', 'alpha']);
    const { scale, alpha, ...options } = params;
    const p = BaseDistribution.prepare(
      'Pareto',
      { scale, alpha },
      { scale: 'positive', alpha: 'positive' },
      options,
    );
    super(p.params, p.batchShape, [], options);
    this.own(p.owned);
    this.scale = p.params.scale!;
    this.alpha = p.params.alpha!;
  }

  protected override _rsample(n: number, rng: Rng): tf.Tensor {
    const e = tf.neg(tf.log1p(tf.neg(rng.uniform(this.sampleShape(n)))));
    return tf.mul(this.scale, tf.exp(tf.div(e, this.alpha)));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const inside = tf.greaterEqual(x, this.scale);
    // The formula sees x ≥ xₘ only, so the −∞ branch sends no NaN gradient through it (a
    // `where`, not tf.maximum, whose gradient does not reduce over broadcast axes).
    const xs = tf.where(inside, x, this.scale);
    const a = this.alpha;
    const value = tf.sub(
      tf.add(tf.log(a), tf.mul(a, tf.log(this.scale))),
      tf.mul(tf.add(a, 1), tf.log(xs)),
    );
    return tf.where(inside, value, tf.fill(inside.shape, Number.NEGATIVE_INFINITY));
  }

  protected _entropy(): tf.Tensor {
    const a = this.alpha;
    return tf.add(tf.log(tf.div(this.scale, a)), tf.add(tf.reciprocal(a), 1));
  }

  protected _mean(): tf.Tensor {
    // ∞ for α ≤ 1, as torch; the formula sees a safe α there, so no NaN gradient leaks out.
    const finite = tf.greater(this.alpha, 1);
    const a = tf.where(finite, this.alpha, tf.fill(this.alpha.shape, 2));
    const value = tf.div(tf.mul(a, this.scale), tf.sub(a, 1));
    return tf.where(finite, value, tf.fill(value.shape, Number.POSITIVE_INFINITY));
  }

  protected _variance(): tf.Tensor {
    // ∞ for α ≤ 2, as torch, with the same safe-α guard.
    const finite = tf.greater(this.alpha, 2);
    const a = tf.where(finite, this.alpha, tf.fill(this.alpha.shape, 3));
    const denominator = tf.mul(tf.square(tf.sub(a, 1)), tf.sub(a, 2));
    const value = tf.div(tf.mul(tf.square(this.scale), a), denominator);
    return tf.where(finite, value, tf.fill(value.shape, Number.POSITIVE_INFINITY));
  }

  protected override _mode(): tf.Tensor {
    return tf.clone(this.scale);
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    const below = tf.less(x, this.scale);
    const xs = tf.where(below, this.scale, x);
    // 1 − (xₘ/x)^α = −expm1(α log(xₘ/x)), accurate near x = xₘ.
    const value = tf.neg(tf.expm1(tf.mul(this.alpha, tf.log(tf.div(this.scale, xs)))));
    return tf.where(below, tf.zerosLike(value), value);
  }

  protected override _icdf(p: tf.Tensor): tf.Tensor {
    // p = 1 gives exp(∞) = ∞.
    return tf.mul(this.scale, tf.exp(tf.div(tf.neg(tf.log1p(tf.neg(p))), this.alpha)));
  }
}
