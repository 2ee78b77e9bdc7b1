import {
  brand,
  cholesky,
  logDetFromCholesky,
  type Rng,
  ShapeMismatchError,
  triangularSolve,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkParamsObject } from './options.js';
import { broadcastShapes, type ParamLike, toParam } from './param.js';
import { checkConstraint, defaultValidation } from './validation.js';

const FN = 'LowRankMultivariateNormal';
const LOG_2PI = Math.log(2 * Math.PI);

export interface LowRankMultivariateNormalParams extends DistributionOptions {
  /** Mean μ, `[..., D]`. */
  loc: ParamLike;
  /** Low-rank factor W of the covariance, `[..., D, R]` (finite). */
  covFactor: ParamLike;
  /** Diagonal d of the covariance, `[..., D]` (> 0). */
  covDiag: ParamLike;
}

/** Converts, checks and broadcasts the three parameters to `[...batch, D]`, `[..., D, R]`, `[..., D]`. */
function prepare(
  raw: { loc: ParamLike; covFactor: ParamLike; covDiag: ParamLike },
  options: DistributionOptions,
): {
  loc: tf.Tensor;
  covFactor: tf.Tensor;
  covDiag: tf.Tensor;
  batchShape: number[];
  owned: tf.Tensor[];
} {
  const owned: tf.Tensor[] = [];
  const keep = (t: { tensor: tf.Tensor; owned: boolean }) => {
    if (t.owned) owned.push(t.tensor);
    return t.tensor;
  };
  try {
    const loc = keep(toParam(FN, 'loc', raw.loc));
    const w = keep(toParam(FN, 'covFactor', raw.covFactor));
    const diag = keep(toParam(FN, 'covDiag', raw.covDiag));
    const d = loc.shape[loc.rank - 1];
    if (
      loc.rank < 1 ||
      w.rank < 2 ||
      diag.rank < 1 ||
      w.shape[w.rank - 2] !== d ||
      diag.shape[diag.rank - 1] !== d ||
      w.shape[w.rank - 1]! < 1
    ) {
      throw new ShapeMismatchError(
        `${FN}: arguments must have shapes 'loc' [..., D], 'covFactor' [..., D, R] with R >= 1 and 'covDiag' [..., D], got 'loc' [${loc.shape.join(', ')}], 'covFactor' [${w.shape.join(', ')}] and 'covDiag' [${diag.shape.join(', ')}]`,
      );
    }
    if (options.validateArgs ?? defaultValidation()) {
      checkConstraint(FN, 'loc', loc, 'real');
      checkConstraint(FN, 'covFactor', w, 'real');
      checkConstraint(FN, 'covDiag', diag, 'positive');
    }
    const batchShape = broadcastShapes(FN, {
      loc: loc.shape.slice(0, -1),
      covFactor: w.shape.slice(0, -2),
      covDiag: diag.shape.slice(0, -1),
    });
    const rank = w.shape[w.rank - 1]!;
    const broadcast = (t: tf.Tensor, shape: number[]) =>
      tf.util.arraysEqual(t.shape, shape)
        ? t
        : keep({ tensor: tf.broadcastTo(t, shape), owned: true });
    return {
      loc: broadcast(loc, [...batchShape, d!]),
      covFactor: broadcast(w, [...batchShape, d!, rank]),
      covDiag: broadcast(diag, [...batchShape, d!]),
      batchShape,
      owned,
    };
  } catch (error) {
    tf.dispose(owned);
    throw error;
  }
}

/**
 * Multivariate normal N(μ, W Wᵀ + diag(d)) with a low-rank-plus-diagonal covariance (torch's
 * `LowRankMultivariateNormal`): `loc` μ [..., D], `covFactor` W [..., D, R], `covDiag` d [..., D]
 * broadcast to batchShape [...]; eventShape [D]. Costs O(D R² + R³) per batch member instead of
 * O(D³), through the R × R capacitance matrix C = I + Wᵀ diag(d)⁻¹ W and its Cholesky factor:
 *
 * log p(x) = −½ [yᵀ diag(d)⁻¹ y − ‖L_C⁻¹ Wᵀ diag(d)⁻¹ y‖² + log det C + Σᵢ log dᵢ + D log 2π]
 * with y = x − μ (Woodbury identity and matrix determinant lemma); entropy
 * ½ [D (1 + log 2π) + log det C + Σᵢ log dᵢ]; mean and mode μ; variance Σᵣ Wᵢᵣ² + dᵢ.
 * Reparameterised draws x = μ + W ε₁ + √d ⊙ ε₂ with ε₁ ~ N(0, I_R), ε₂ ~ N(0, I_D).
 * No cdf or icdf (the event is not scalar).
 *
 * ```ts
 * const d = new LowRankMultivariateNormal({
 *   loc: [0, 0, 0],
 *   covFactor: [[1], [0.5], [-1]],   // D = 3, R = 1
 *   covDiag: [0.1, 0.2, 0.3],
 * });
 * const x = d.rsample(100, Rng.fromSeed(0));   // [100, 3], differentiable
 * const lp = d.logProb(x);                     // [100]
 * ```
 */
export class LowRankMultivariateNormal extends BaseDistribution {
  static {
    brand(LowRankMultivariateNormal, '@gen/distributions/LowRankMultivariateNormal');
  }

  readonly hasRsample = true;
  readonly support = 'real' as const;
  readonly loc: tf.Tensor;
  readonly covFactor: tf.Tensor;
  readonly covDiag: tf.Tensor;

  constructor(params: LowRankMultivariateNormalParams) {
    checkParamsObject(FN, params, ['loc', 'covFactor', 'covDiag']);
    const { loc, covFactor, covDiag, ...options } = params;
    const p = prepare({ loc, covFactor, covDiag }, options);
    const d = p.loc.shape[p.loc.rank - 1]!;
    super({ loc: p.loc, covFactor: p.covFactor, covDiag: p.covDiag }, p.batchShape, [d], options);
    this.own(p.owned);
    this.loc = p.loc;
    this.covFactor = p.covFactor;
    this.covDiag = p.covDiag;
  }

  /** The event dimension D. */
  get dim(): number {
    return this.eventShape[0]!;
  }

  /** The rank R of the low-rank factor. */
  get rank(): number {
    return this.covFactor.shape[this.covFactor.rank - 1]!;
  }

  /** The dense covariance W Wᵀ + diag(d), [...batchShape, D, D]. */
  covariance(): tf.Tensor {
    return tf.tidy(() =>
      tf.add(
        tf.matMul(this.covFactor, this.covFactor, false, true),
        tf.mul(tf.expandDims(this.covDiag, -1), tf.eye(this.dim)),
      ),
    );
  }

  /**
   * Cholesky factor of the capacitance matrix C = I_R + Wᵀ diag(d)⁻¹ W, [...batch, R, R]. C is
   * positive definite whenever d > 0, so the factorisation is not read back to be checked.
   */
  private capacitanceTril(): tf.Tensor {
    const scaled = tf.div(this.covFactor, tf.expandDims(this.covDiag, -1)); // diag(d)⁻¹ W
    const c = tf.add(tf.matMul(this.covFactor, scaled, true, false), tf.eye(this.rank));
    return cholesky(c, { check: false });
  }

  /** log det Σ = log det C + Σᵢ log dᵢ, [...batch]. */
  private logDet(capacitanceTril: tf.Tensor): tf.Tensor {
    return tf.add(logDetFromCholesky(capacitanceTril), tf.sum(tf.log(this.covDiag), -1));
  }

  protected override _rsample(n: number, rng: Rng): tf.Tensor {
    const shape = this.sampleShape(n);
    const e1 = rng.normal([n, ...this.batchShape, this.rank]);
    const e2 = rng.normal(shape);
    const lowRank = tf.sum(tf.mul(this.covFactor, tf.expandDims(e1, -2)), -1);
    return tf.add(tf.add(this.loc, lowRank), tf.mul(tf.sqrt(this.covDiag), e2));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const batch = this.batchShape.length;
    const full = tf.broadcast_util.assertAndGetBroadcastShape(x.shape, [
      ...this.batchShape,
      this.dim,
    ]);
    const sampleShape = full.slice(0, full.length - batch - 1);
    const s = sampleShape.reduce((acc, v) => acc * v, 1);
    const diff = tf.reshape(tf.sub(tf.broadcastTo(x, full), this.loc), [
      s,
      ...this.batchShape,
      this.dim,
    ]); // y, [s, ...batch, D]
    const scaled = tf.div(diff, this.covDiag); // diag(d)⁻¹ y
    const quadratic = tf.sum(tf.mul(diff, scaled), -1); // yᵀ diag(d)⁻¹ y, [s, ...batch]
    // Wᵀ diag(d)⁻¹ y for all sample points at once, as columns [...batch, R, s].
    const projected = tf.sum(tf.mul(this.covFactor, tf.expandDims(scaled, -1)), -2); // [s, ...batch, R]
    const batchAxes = this.batchShape.map((_, i) => i + 1);
    const columns = tf.transpose(projected, [...batchAxes, batch + 1, 0]);
    const l = this.capacitanceTril();
    const correction = tf.sum(tf.square(triangularSolve(l, columns)), batch); // [...batch, s]
    const perSample = tf.transpose(correction, [batch, ...batchAxes.map((a) => a - 1)]);
    const mahalanobis = tf.reshape(tf.sub(quadratic, perSample), [
      ...sampleShape,
      ...this.batchShape,
    ]);
    return tf.mul(-0.5, tf.add(mahalanobis, tf.add(this.logDet(l), this.dim * LOG_2PI)));
  }

  protected _entropy(): tf.Tensor {
    return tf.mul(0.5, tf.add(this.logDet(this.capacitanceTril()), this.dim * (1 + LOG_2PI)));
  }

  protected _mean(): tf.Tensor {
    return tf.clone(this.loc);
  }

  protected override _mode(): tf.Tensor {
    return tf.clone(this.loc);
  }

  protected _variance(): tf.Tensor {
    return tf.add(tf.sum(tf.square(this.covFactor), -1), this.covDiag);
  }
}
