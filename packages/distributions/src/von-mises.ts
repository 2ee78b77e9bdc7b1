import { brand, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';

const LOG_2PI = Math.log(2 * Math.PI);
const TWO_PI = 2 * Math.PI;

// Abramowitz & Stegun 9.8.1–9.8.4 (relative error < 2e−7): for x < 3.75, with t = (x/3.75)²,
// I₀(x) = P₀(t) and I₁(x) = x P₁(t); for x ≥ 3.75, with y = 3.75/x,
// √x e⁻ˣ I₀(x) = Q₀(y) and √x e⁻ˣ I₁(x) = Q₁(y). The same coefficients as torch's
// _log_modified_bessel_fn.
const P0 = [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.0360768, 0.0045813];
const P1 = [0.5, 0.87890594, 0.51498869, 0.15084934, 0.02658733, 0.00301532, 0.00032411];
const Q0 = [
  0.39894228, 0.01328592, 0.00225319, -0.00157565, 0.00916281, -0.02057706, 0.02635537, -0.01647633,
  0.00392377,
];
const Q1 = [
  0.39894228, -0.03988024, -0.00362018, 0.00163801, -0.01031555, 0.02282967, -0.02895312,
  0.01787654, -0.00420059,
];
/** (Q₀ − Q₁)(y)/y: the two agree at y = 0, so 1 − I₁/I₀ = y D(y)/Q₀(y) without cancellation. */
const D = Q0.slice(1).map((c, i) => c - Q1[i + 1]!);
/**
 * 1 − I₁(x)/I₀(x) ~ Σ Aₖ x⁻ᵏ as x → ∞ (k = 1…6); beyond x = 20 this series is accurate to
 * 1.2e−7 relatively, where the polynomials above lose digits (their errors do not vanish
 * at y = 0 in the difference).
 */
const ASYMPTOTIC = [1 / 2, 1 / 8, 1 / 8, 25 / 128, 13 / 32, 1073 / 1024];
const SMALL = 3.75;
const ASYMPTOTIC_FROM = 20;

/** Σ cₖ yᵏ by Horner's rule. */
function poly(coefficients: readonly number[], y: tf.Tensor): tf.Tensor {
  let out: tf.Tensor = tf.fill(y.shape, coefficients[coefficients.length - 1]!);
  for (let k = coefficients.length - 2; k >= 0; k--) out = tf.add(tf.mul(out, y), coefficients[k]!);
  return out;
}

/**
 * log(I₀(x) e⁻ˣ) for x ≥ 0, the exponentially scaled log modified Bessel function of order 0
 * (so log I₀(x) = this + x without overflow for large x). Each branch of the `where` sees a
 * clamped input, so neither sends a NaN gradient through the unselected side.
 */
export function logBesselI0e(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const xs = tf.minimum(x, SMALL);
    const small = tf.sub(tf.log(poly(P0, tf.square(tf.div(xs, SMALL)))), xs);
    const xl = tf.maximum(x, SMALL);
    const large = tf.sub(tf.log(poly(Q0, tf.div(SMALL, xl))), tf.mul(0.5, tf.log(xl)));
    return tf.where(tf.less(x, SMALL), small, large);
  });
}

/**
 * 1 − I₁(x)/I₀(x) for x ≥ 0, relatively accurate for large x (≈ 1/(2x)): the polynomials'
 * ratio below 3.75, the difference form y D(y)/Q₀(y) up to 20, the asymptotic series beyond.
 */
export function oneMinusBesselRatio(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const xs = tf.minimum(x, SMALL);
    const t = tf.square(tf.div(xs, SMALL));
    const small = tf.sub(1, tf.div(tf.mul(xs, poly(P1, t)), poly(P0, t)));
    const xm = tf.clipByValue(x, SMALL, ASYMPTOTIC_FROM);
    const y = tf.div(SMALL, xm);
    const middle = tf.div(tf.mul(y, poly(D, y)), poly(Q0, y));
    const inv = tf.reciprocal(tf.maximum(x, ASYMPTOTIC_FROM));
    const large = tf.mul(inv, poly(ASYMPTOTIC, inv));
    return tf.where(tf.less(x, SMALL), small, tf.where(tf.less(x, ASYMPTOTIC_FROM), middle, large));
  });
}

/**
 * Proposals per draw. Best–Fisher accepts a proposal with probability ≥ 0.657 (the infimum over
 * κ, approached as κ → ∞), so all 24 are rejected with probability < 0.343²⁴ ≈ 7e−12; only
 * then is a rejected proposal (the first) kept as the draw.
 */
const PROPOSALS = 24;

export interface VonMisesParams extends DistributionOptions {
  /** Mean direction μ (radians, any real; the density has period 2π). */
  loc: ParamLike;
  /** Concentration κ > 0 (κ → 0: uniform on the circle; large κ: ≈ Normal(μ, 1/κ)). */
  concentration: ParamLike;
}

/**
 * Von Mises(μ, κ), the circular analogue of the Normal, elementwise over a batch (torch's
 * `VonMises(loc, concentration)`, scipy's `vonmises(kappa, loc)`).
 *
 * log p(x) = κ cos(x − μ) − log 2π − log I₀(κ) (2π-periodic in x; I₀ the modified Bessel
 * function, by the Abramowitz & Stegun polynomials with exponential scaling as torch);
 * entropy log 2π + log I₀(κ) − κ I₁(κ)/I₀(κ); mean and mode μ; variance the circular
 * variance 1 − I₁(κ)/I₀(κ), as torch (not the linear variance of the draws).
 *
 * {@link support} is `'real'` (the density is defined on every real x), and draws are wrapped
 * into [−π, π), whatever μ, as torch does. They come from Best & Fisher's (1979) wrapped-Cauchy
 * rejection sampler, vectorised with a fixed number of proposals per draw (24)
 * and an accepted one kept: no data-dependent loop and no read-back. The probability that
 * all 24 are rejected is below 7e−12 for every κ; such a draw keeps a rejected proposal. There
 * is no reparameterised sampler (`hasRsample` false) and no closed-form cdf or inverse cdf.
 *
 * ```ts
 * const d = new VonMises({ loc: [0, 2], concentration: [0.5, 20] });  // batchShape [2]
 * const x = d.sample(100, Rng.fromSeed(0));                          // [100, 2], in [−π, π)
 * ```
 */
export class VonMises extends BaseDistribution {
  static {
    brand(VonMises, '@gen/distributions/VonMises');
  }

  readonly hasRsample = false;
  readonly support = 'real' as const;
  readonly loc: tf.Tensor;
  readonly concentration: tf.Tensor;

  constructor(params: VonMisesParams) {
    checkParamsObject('VonMises', params, ['loc', 'concentration']);
    const { loc, concentration, ...options } = params;
    const p = BaseDistribution.prepare(
      'VonMises',
      { loc, concentration },
      { loc: 'real', concentration: 'positive' },
      options,
    );
    super(p.params, p.batchShape, [], options);
    this.own(p.owned);
    this.loc = p.params.loc!;
    this.concentration = p.params.concentration!;
  }

  protected override _sample(n: number, rng: Rng): tf.Tensor {
    const shape = this.sampleShape(n);
    // Best–Fisher's constants in forms without cancellation at either end of κ: with
    // s = √(1 + 4κ²), τ = 1 + s, w = √(2τ): ρ = 2κ/(τ + w), 1 − ρ = (1 + 1/(s + 2κ) + w)/(τ + w),
    // q = 1/r = 2ρ/(1 + ρ²), 1 − q = (1 − ρ)²/(1 + ρ²), r − 1 = (1 − ρ)²/(2ρ). κ is clamped to
    // [1e−30, 1e18] (draws uniform resp. equal to μ in float32 beyond) against 0 and overflow.
    const kappa = tf.clipByValue(tf.broadcastTo(this.concentration, shape), 1e-30, 1e18);
    const s = tf.sqrt(tf.add(1, tf.mul(4, tf.square(kappa))));
    const tau = tf.add(1, s);
    const w = tf.sqrt(tf.mul(2, tau));
    const denominator = tf.add(tau, w);
    const rho = tf.div(tf.mul(2, kappa), denominator);
    const oneMinusRho = tf.div(
      tf.add(tf.add(1, tf.reciprocal(tf.add(s, tf.mul(2, kappa)))), w),
      denominator,
    );
    const onePlusRho2 = tf.add(1, tf.square(rho));
    const q = tf.div(tf.mul(2, rho), onePlusRho2);
    const oneMinusQ = tf.div(tf.square(oneMinusRho), onePlusRho2);
    const twiceOneMinusQ = tf.mul(2, oneMinusQ);
    const onePlusQ = tf.add(1, q);
    const twiceQ = tf.mul(2, q);
    // κ (r − 1), with r − 1 = (1 − ρ)²/(2ρ).
    const kappaRMinusOne = tf.mul(kappa, tf.div(tf.square(oneMinusRho), tf.mul(2, rho)));

    // Proposals are i.i.d., so keeping the last accepted one is as exact as keeping the first:
    // each proposal overwrites the draw where it is accepted. The draw is carried as ±(1 − f)
    // (the sign of θ) until the end.
    let signed: tf.Tensor | undefined;
    for (let k = 0; k < PROPOSALS; k++) {
      const next = tf.tidy(() => {
        // z = cos(πU₁) with 1 − z = 2 sin²(πU₁/2) and f = (1 + rz)/(r + z) = cos θ:
        // 1 − f = (1 − q)(1 − z)/(1 + qz) = 2(1 − q)s²/((1 + q) − 2q s²) for s = sin(πU₁/2).
        // U₁ is drawn on (−1, 1): z is even in it, so its sign is an independent sign for θ.
        const u1 = rng.uniform(shape, -1, 1);
        const s2 = tf.square(tf.sin(tf.mul(Math.PI / 2, u1)));
        const oneMinusF = tf.div(tf.mul(twiceOneMinusQ, s2), tf.sub(onePlusQ, tf.mul(twiceQ, s2)));
        // c = κ (r − f); accept when log(c/U₂) + 1 − c ≥ 0, i.e. U₂ ≤ c e^(1 − c) (Best and
        // Fisher's squeeze c (2 − c) > U₂ only saves work in a scalar loop).
        const c = tf.add(kappaRMinusOne, tf.mul(kappa, oneMinusF));
        const accepted = tf.lessEqual(rng.uniform(shape), tf.mul(c, tf.exp(tf.sub(1, c))));
        const candidate = tf.mul(tf.sign(u1), oneMinusF);
        return signed === undefined ? candidate : tf.where(accepted, candidate, signed);
      });
      signed?.dispose();
      signed = next;
    }
    // θ = ±acos f = ±2 asin √((1 − f)/2), accurate for θ near 0.
    const half = tf.minimum(tf.mul(0.5, tf.abs(signed!)), 1);
    const x = tf.mul(tf.sign(signed!), tf.mul(2, tf.asin(tf.sqrt(half))));
    // Wrap θ + μ into [−π, π) (the float32 rounding that lands on 2π is folded back too).
    const shifted = tf.add(tf.add(x, this.loc), Math.PI);
    const wrapped = tf.sub(shifted, tf.mul(TWO_PI, tf.floor(tf.div(shifted, TWO_PI))));
    const folded = tf.where(
      tf.greaterEqual(wrapped, TWO_PI),
      tf.sub(wrapped, TWO_PI),
      tf.where(tf.less(wrapped, 0), tf.add(wrapped, TWO_PI), wrapped),
    );
    const out = tf.sub(folded, Math.PI);
    return tf.where(tf.greaterEqual(out, Math.PI), tf.sub(out, TWO_PI), out);
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    // κ (cos(x − μ) − 1) − log 2π − log(I₀(κ) e⁻ᵏ): no cancellation of κ cos − κ for large κ.
    const half = tf.sin(tf.mul(0.5, tf.sub(x, this.loc)));
    const kappa = this.concentration;
    const cosMinusOne = tf.mul(-2, tf.square(half));
    return tf.sub(tf.sub(tf.mul(kappa, cosMinusOne), logBesselI0e(kappa)), LOG_2PI);
  }

  protected _entropy(): tf.Tensor {
    // log 2π + log I₀(κ) − κ I₁/I₀ = log 2π + log(I₀(κ) e⁻ᵏ) + κ (1 − I₁/I₀).
    const kappa = this.concentration;
    const tail = tf.mul(kappa, oneMinusBesselRatio(kappa));
    return tf.add(tf.add(logBesselI0e(kappa), tail), LOG_2PI);
  }

  protected _mean(): tf.Tensor {
    return tf.clone(this.loc);
  }

  protected _variance(): tf.Tensor {
    return oneMinusBesselRatio(this.concentration);
  }

  protected override _mode(): tf.Tensor {
    return tf.clone(this.loc);
  }
}
