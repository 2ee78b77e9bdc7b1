import { brand, digamma, lgamma, type Rng, ShapeMismatchError, xlogy } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';
import { standardGamma } from './standard-gamma.js';

/** Smallest normal float32: normalised draws are clamped to it so that logProb stays finite. */
const TINY = 1.1754943508222875e-38;

export interface DirichletParams extends DistributionOptions {
  /** Concentrations α > 0, `[...batch, K]`: the last axis indexes the K components. */
  concentration: ParamLike;
}

/**
 * Dirichlet(α) on the probability simplex {x ∈ [0, 1]ᴷ : Σ xₖ = 1}: the last axis of
 * `concentration` is the event (eventShape [K]), the axes before it the batch.
 *
 * log p(x) = Σₖ (αₖ − 1) log xₖ + log Γ(α₀) − Σₖ log Γ(αₖ) with α₀ = Σₖ αₖ; mean αₖ/α₀,
 * variance αₖ(α₀ − αₖ)/(α₀²(α₀ + 1)) per component, entropy
 * Σₖ log Γ(αₖ) − log Γ(α₀) − (K − α₀) ψ(α₀) − Σₖ (αₖ − 1) ψ(αₖ).
 *
 * Mode as torch: (α − 1)₊ / Σ (α − 1)₊, which is (α − 1)/(α₀ − K) where every αₖ ≥ 1 and a
 * point on the boundary where some αₖ < 1; NaN where every αₖ ≤ 1 (all αₖ = 1 is uniform, and
 * with all αₖ < 1 the density is unbounded at every vertex; torch puts a one-hot there at the
 * argmax of a NaN row, i.e. always at component 0, which we do not copy).
 *
 * `rsample` normalises independent Gamma(αₖ, 1) draws, xₖ = zₖ / Σⱼ zⱼ, with the implicit
 * reparameterisation gradient of each zₖ (see {@link Gamma}), so gradients flow into α exactly
 * as torch's `_dirichlet_grad`. Draws are clamped below at 1.18e−38 (float32 underflow for
 * small α). No cdf or icdf (the event is not scalar).
 *
 * ```ts
 * const d = new Dirichlet({ concentration: [[1, 2, 3], [0.5, 0.5, 4]] }); // batch [2], event [3]
 * const x = d.rsample(100, Rng.fromSeed(0));    // [100, 2, 3], rows sum to 1, differentiable
 * const lp = d.logProb(x);                      // [100, 2]
 * ```
 */
export class Dirichlet extends BaseDistribution {
  static {
    brand(Dirichlet, '@gen/distributions/Dirichlet');
  }

  readonly hasRsample = true;
  readonly support = 'simplex' as const;
  /** α, `[...batch, K]`. */
  readonly concentration: tf.Tensor;

  constructor(params: DirichletParams) {
    checkParamsObject('Dirichlet', params, ['concentration']);
    const { concentration, ...options } = params;
    const p = BaseDistribution.prepare(
      'Dirichlet',
      { concentration },
      { concentration: 'positive' },
      options,
    );
    const t = p.params.concentration!;
    if (t.rank < 1 || t.shape[t.rank - 1]! < 1) {
      tf.dispose(p.owned);
      throw new ShapeMismatchError(
        `Dirichlet: argument 'concentration' must have a last axis of K >= 1 components, got shape [${t.shape.join(', ')}]`,
      );
    }
    super(p.params, t.shape.slice(0, -1), [t.shape[t.rank - 1]!], options);
    this.own(p.owned);
    this.concentration = t;
  }

  /** The number of components K. */
  get dim(): number {
    return this.eventShape[0]!;
  }

  protected override _rsample(n: number, rng: Rng): tf.Tensor {
    const z = standardGamma(tf.broadcastTo(this.concentration, this.sampleShape(n)), rng);
    return tf.maximum(tf.div(z, tf.sum(z, -1, true)), TINY);
  }

  /** α₀ = Σₖ αₖ, `[...batch, 1]`. */
  private total(): tf.Tensor {
    return tf.sum(this.concentration, -1, true);
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const a = this.concentration;
    const normaliser = tf.sub(lgamma(tf.sum(a, -1)), tf.sum(lgamma(a), -1));
    return tf.add(tf.sum(xlogy(tf.sub(a, 1), x), -1), normaliser);
  }

  protected _entropy(): tf.Tensor {
    const a = this.concentration;
    const a0 = tf.sum(a, -1);
    return tf.sub(
      tf.sub(tf.sum(lgamma(a), -1), lgamma(a0)),
      tf.add(
        tf.mul(tf.sub(this.dim, a0), digamma(a0)),
        tf.sum(tf.mul(tf.sub(a, 1), digamma(a)), -1),
      ),
    );
  }

  protected _mean(): tf.Tensor {
    return tf.div(this.concentration, this.total());
  }

  protected _variance(): tf.Tensor {
    const a = this.concentration;
    const a0 = this.total();
    return tf.div(tf.mul(a, tf.sub(a0, a)), tf.mul(tf.square(a0), tf.add(a0, 1)));
  }

  protected override _mode(): tf.Tensor {
    // (α − 1)₊ / Σ (α − 1)₊: 0/0 = NaN exactly where every αₖ ≤ 1.
    const excess = tf.relu(tf.sub(this.concentration, 1));
    return tf.div(excess, tf.sum(excess, -1, true));
  }
}
