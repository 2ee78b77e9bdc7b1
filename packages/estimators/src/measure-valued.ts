import {
  assertKnownOptions,
  type CostFunction,
  type Distribution,
  type GradientEstimator,
  invalidArgument,
  NotImplementedError,
  type Surrogate,
  type SurrogateOptions,
  stopGradient,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { checkSurrogateArgs, evaluateCost, familyName } from './cost.js';
import { detach } from './detach.js';
import { weakDerivativeOf, weakDerivativeParams } from './weak-derivatives/index.js';
import type { WeakDerivative } from './weak-derivatives/registry.js';
import { unwrapIndependent, weakGradient } from './weak-gradient.js';

export interface MeasureValuedOptions {
  /** Couple p⁺ and p⁻ by common random numbers (default true; the paper's advice). */
  coupling?: boolean;
  /** Parameters to differentiate (default: all of `dist.params`); the others get no gradient. */
  params?: readonly string[];
}

/**
 * The measure-valued derivative (MVD) estimator: for each parameter entry θ, with the weak
 * derivative ∂θ p = c_θ (p⁺ − p⁻) from the registry (Mohamed et al. 2020, Table 1; see
 * {@link registerWeakDerivative}), ∇θ E_p[f] = c_θ (E_{p⁺}[f] − E_{p⁻}[f]), each expectation
 * estimated with `samples` draws. Unbiased, low variance, no derivative of f needed (discrete
 * families and black-box costs), but 2·D·slots·samples cost evaluations per parameter tensor.
 *
 * Factorised measures are handled coordinate by coordinate: for `Independent(Normal)` (a
 * diagonal multivariate Normal) the draw of coordinate i is replaced by x⁺ or x⁻ while the other
 * coordinates keep their shared draws from p. Plain batch elements (a Normal with a batch) are
 * independent problems and are replaced all at once. Categorical works through point masses,
 * ∂E/∂ℓⱼ = pⱼ (f(j) − E_p[f]); parameters held as logits get the chain rule (dp/dℓ = p(1 − p)).
 *
 * Surrogate: loss = Σ_batch mean_s f(xₛ) + Σ_params Σ ⊥(ĝ_θ)·(θ − ⊥θ), ⊥ = stopGradient, xₛ ∼ p
 * without gradient; so the gradient reaches whatever computed θ (a log-scale, an encoder), and
 * the loss's value is `value` = Σ_batch mean_s f(xₛ).
 *
 * ```ts
 * const g = tf.grads((loc, scale) => measureValued().surrogate(new Normal({ loc, scale }),
 *   (x) => tf.square(tf.sub(x, 3)), { samples: 1000, rng }).loss)([tf.scalar(1), tf.scalar(1.5)]);
 * // ≈ [2(μ − 3), 2σ] = [−4, 3]
 * ```
 *
 * @throws NotImplementedError naming the family and parameter when no weak derivative is
 *   registered for it (Laplace, StudentT and other families without an entry); pass `params`
 *   to differentiate only the others.
 */
export class MeasureValuedEstimator implements GradientEstimator {
  readonly name = 'measure-valued';
  readonly coupling: boolean;
  readonly params: readonly string[] | undefined;

  constructor(options: MeasureValuedOptions = {}) {
    assertKnownOptions('measureValued', options, ['coupling', 'params']);
    const coupling = options.coupling ?? true;
    if (typeof coupling !== 'boolean') {
      throw invalidArgument('measureValued', 'coupling', coupling, 'must be a boolean');
    }
    const params = options.params;
    if (
      params !== undefined &&
      !(Array.isArray(params) && params.every((p) => typeof p === 'string'))
    ) {
      throw invalidArgument(
        'measureValued',
        'params',
        params,
        'must be an array of parameter names',
      );
    }
    this.coupling = coupling;
    this.params = params === undefined ? undefined : Object.freeze([...params]);
  }

  surrogate(dist: Distribution, cost: CostFunction, options: SurrogateOptions): Surrogate {
    const fn = 'measureValued.surrogate';
    checkSurrogateArgs(fn, dist, cost, options);
    const { base, layout } = unwrapIndependent(dist);
    const entries = this.entriesFor(fn, base);
    return tf.tidy(() => {
      const x = detach(base.sample(options.samples, options.rng));
      const baseMean = tf.mean(evaluateCost(fn, cost, x, layout.outer), 0);
      let loss = tf.sum(baseMean);
      for (const [name, entry] of entries) {
        const theta = base.params[name]!;
        const raw = entry({ dist: base, base: x, rng: options.rng, coupling: this.coupling });
        const draws = {
          ...(raw.positive && { positive: detach(raw.positive) }),
          ...(raw.negative && { negative: detach(raw.negative) }),
          constant: detach(raw.constant),
          ...(raw.surrogate && { surrogate: raw.surrogate }),
        };
        const g = weakGradient(fn, cost, { name, theta, family: base }, draws, {
          base: x,
          baseMean,
          layout,
        });
        const term = draws.surrogate
          ? draws.surrogate(stopGradient(g))
          : tf.sum(tf.mul(stopGradient(g), tf.sub(theta, stopGradient(theta))));
        loss = tf.add(loss, term);
      }
      return { loss: loss as tf.Scalar, value: stopGradient(tf.sum(baseMean)) as tf.Scalar };
    });
  }

  /** The weak derivative of every parameter to differentiate, or a typed error. */
  private entriesFor(fn: string, base: Distribution): [string, WeakDerivative][] {
    const names = this.params ?? Object.keys(base.params);
    return names.map((name) => {
      if (!(name in base.params)) {
        throw invalidArgument(
          fn,
          'params',
          name,
          `must name parameters of ${familyName(base)} (${Object.keys(base.params).join(', ')})`,
        );
      }
      const entry = weakDerivativeOf(base, name);
      if (entry === null) {
        const known = weakDerivativeParams(base);
        throw new NotImplementedError(
          `${fn}: no weak derivative is registered for parameter '${name}' of ${familyName(base)} (registered: ${known.length > 0 ? known.join(', ') : 'none'}); differentiate only the others with measureValued({ params: [...] }), or add one with registerWeakDerivative(${familyName(base)}, '${name}', …)`,
        );
      }
      return [name, entry];
    });
  }
}

/** A {@link MeasureValuedEstimator}: `measureValued({ coupling: true })`. */
export function measureValued(options: MeasureValuedOptions = {}): MeasureValuedEstimator {
  return new MeasureValuedEstimator(options);
}
