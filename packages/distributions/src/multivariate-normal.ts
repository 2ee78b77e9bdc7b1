import { brand, logDetFromCholesky, type Rng, triangularSolve } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { prepareMultivariateNormal } from './multivariate-normal-params.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** `loc` with exactly one of `scaleTril` and `covarianceMatrix`. */
export type MultivariateNormalParams = DistributionOptions & { loc: ParamLike } & (
    | { scaleTril: ParamLike; covarianceMatrix?: never }
    | { covarianceMatrix: ParamLike; scaleTril?: never }
  );

/**
 * Multivariate normal N(μ, Σ) with Σ = L Lᵀ, given by its lower-triangular Cholesky factor
 * `scaleTril` L (positive diagonal) or by `covarianceMatrix` Σ (factorised with `cholesky`).
 * `loc` [..., d] and L [..., d, d] broadcast to batchShape [...]; eventShape [d].
 *
 * log p(x) = −½ ‖L⁻¹(x − μ)‖² − Σᵢ log Lᵢᵢ − (d/2) log 2π; entropy (d/2)(1 + log 2π) + Σᵢ log Lᵢᵢ;
 * variance diag(L Lᵀ). Reparameterised draws x = μ + L ε with ε ~ N(0, I).
 *
 * ```ts
 * const d = new MultivariateNormal({ loc: [0, 0], scaleTril: [[1, 0], [0.5, 2]] });
 * const x = d.rsample(100, Rng.fromSeed(0));   // [100, 2], differentiable
 * const lp = d.logProb(x);                     // [100]
 * ```
 */
export class MultivariateNormal extends BaseDistribution {
  static {
    brand(MultivariateNormal, '@gen/distributions/MultivariateNormal');
  }

  readonly hasRsample = true;
  readonly support = 'real' as const;
  readonly loc: tf.Tensor;
  readonly scaleTril: tf.Tensor;

  constructor(params: MultivariateNormalParams) {
    checkParamsObject('MultivariateNormal', params, ['loc', 'scaleTril', 'covarianceMatrix']);
    const { loc, scaleTril, covarianceMatrix, ...options } = params;
    const raw: { loc: ParamLike; scaleTril?: ParamLike; covarianceMatrix?: ParamLike } = { loc };
    if (scaleTril !== undefined) raw.scaleTril = scaleTril;
    if (covarianceMatrix !== undefined) raw.covarianceMatrix = covarianceMatrix;
    const p = prepareMultivariateNormal(raw, options);
    const d = p.loc.shape[p.loc.rank - 1]!;
    super({ loc: p.loc, scaleTril: p.scaleTril }, p.batchShape, [d], options);
    this.own(p.owned);
    this.loc = p.loc;
    this.scaleTril = p.scaleTril;
  }

  /** The event dimension d. */
  get dim(): number {
    return this.eventShape[0]!;
  }

  /** Σ = L Lᵀ, [...batchShape, d, d]. */
  covariance(): tf.Tensor {
    return tf.tidy(() => tf.matMul(this.scaleTril, this.scaleTril, false, true));
  }

  protected override _rsample(n: number, rng: Rng): tf.Tensor {
    const eps = rng.normal(this.sampleShape(n));
    return tf.add(this.loc, tf.sum(tf.mul(this.scaleTril, tf.expandDims(eps, -2)), -1));
  }

  /** Σᵢ log Lᵢᵢ = ½ log det Σ, [...batchShape]. */
  private halfLogDet(): tf.Tensor {
    return tf.mul(0.5, logDetFromCholesky(this.scaleTril));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const batch = this.batchShape.length;
    const full = tf.broadcast_util.assertAndGetBroadcastShape(x.shape, [
      ...this.batchShape,
      this.dim,
    ]);
    const sampleShape = full.slice(0, full.length - batch - 1);
    const s = sampleShape.reduce((acc, v) => acc * v, 1);
    // Solve L y = x − μ for all sample points at once: the points become columns [..., d, s].
    const diff = tf.reshape(tf.sub(tf.broadcastTo(x, full), this.loc), [
      s,
      ...this.batchShape,
      this.dim,
    ]);
    const batchAxes = this.batchShape.map((_, i) => i + 1);
    const columns = tf.transpose(diff, [...batchAxes, batch + 1, 0]);
    const mahalanobis = tf.sum(tf.square(triangularSolve(this.scaleTril, columns)), batch);
    const perSample = tf.transpose(mahalanobis, [batch, ...batchAxes.map((a) => a - 1)]);
    const m = tf.reshape(perSample, [...sampleShape, ...this.batchShape]);
    return tf.sub(tf.mul(-0.5, m), tf.add(this.halfLogDet(), 0.5 * this.dim * LOG_2PI));
  }

  protected _entropy(): tf.Tensor {
    return tf.add(this.halfLogDet(), 0.5 * this.dim * (1 + LOG_2PI));
  }

  protected _mean(): tf.Tensor {
    return tf.clone(this.loc);
  }

  protected _variance(): tf.Tensor {
    return tf.sum(tf.square(this.scaleTril), -1);
  }

  protected override _mode(): tf.Tensor {
    return tf.clone(this.loc);
  }
}
