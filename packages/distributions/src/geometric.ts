import { brand, InvalidArgumentError, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { log1m, mulLog, successForms } from './binomial.js';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { type LogitsOrProbs, pickLogitsOrProbs } from './logits-or-probs.js';
import { checkParamsObject } from './options.js';
import { defaultValidation } from './validation.js';

export type GeometricParams = LogitsOrProbs & DistributionOptions;

/** Smallest normal float32: uniforms are clamped to it so that log u is finite (as torch). */
const TINY = 1.1754943508222875e-38;

/**
 * Throws an InvalidArgumentError naming `fn` unless every entry of `t` is above `bound` (the
 * open end of a half-open parameter interval), naming the first offending value and index.
 * Internal: Geometric (p > 0) and NegativeBinomial (p < 1) use it.
 */
export function checkOpenEnd(
  fn: string,
  arg: string,
  t: tf.Tensor,
  side: 'above' | 'below',
  bound: number,
): void {
  const values = t.dataSync();
  const i = values.findIndex((v) => (side === 'above' ? !(v > bound) : !(v < bound)));
  if (i >= 0) {
    throw new InvalidArgumentError(
      `${fn}: argument '${arg}' must be ${side === 'above' ? '>' : '<'} ${bound}, got ${values[i]} at flat index ${i}`,
    );
  }
}

/**
 * Geometric(p): the number of failures before the first success in independent trials of
 * success probability p, on {0, 1, 2, …} (torch's convention; scipy's `geom` counts trials,
 * one more), elementwise over a batch. Exactly one of `probs` p ∈ (0, 1] or `logits` ℓ (real);
 * the other is derived (p = σ(ℓ)) and both are public.
 *
 * log p(k) = k log(1 − p) + log p; mean (1 − p)/p; variance (1 − p)/p²; entropy
 * (−p log p − (1 − p) log(1 − p))/p; mode 0; cdf P(X ≤ x) = 1 − (1 − p)^(⌊x⌋+1) for x ≥ 0
 * (0 below); icdf the smallest k with cdf(k) ≥ u, ⌈log(1 − u)/log(1 − p)⌉ − 1, corrected by
 * one where rounding overshoots (as scipy). Sampling is by inversion, ⌊log u / log(1 − p)⌋
 * with u uniform clamped to the smallest normal float (as torch); no `rsample`.
 *
 * ```ts
 * const d = new Geometric({ probs: [0.5, 0.1] });
 * d.logProb(tf.tensor1d([0, 3]));                  // [log 0.5, 3 log 0.9 + log 0.1]
 * const x = d.sample(100, Rng.fromSeed(0));         // [100, 2]
 * ```
 */
export class Geometric extends BaseDistribution {
  static {
    brand(Geometric, '@gen/distributions/Geometric');
  }

  readonly hasRsample = false;
  readonly support = 'nonNegativeInteger' as const;
  readonly logits: tf.Tensor;
  readonly probs: tf.Tensor;
  /** 1 − p, log p and log(1 − p), each accurate where p or 1 − p is tiny. */
  private readonly complement: tf.Tensor;
  private readonly logP: tf.Tensor;
  private readonly logQ: tf.Tensor;

  constructor(params: GeometricParams) {
    checkParamsObject('Geometric', params, ['logits', 'probs']);
    const { logits, probs, ...options } = params;
    const given = pickLogitsOrProbs('Geometric', logits, probs);
    const p = BaseDistribution.prepare(
      'Geometric',
      { [given.name]: given.value },
      { [given.name]: given.name === 'logits' ? 'real' : 'unitInterval' },
      options,
    );
    const t = p.params[given.name]!;
    if (given.name === 'probs' && (options.validateArgs ?? defaultValidation())) {
      try {
        checkOpenEnd('Geometric', 'probs', t, 'above', 0);
      } catch (error) {
        tf.dispose(p.owned);
        throw error;
      }
    }
    super(p.params, p.batchShape, [], options);
    this.own(p.owned);
    const forms = successForms(given.name, t);
    this.own(forms.made);
    ({
      logits: this.logits,
      probs: this.probs,
      complement: this.complement,
      logP: this.logP,
      logQ: this.logQ,
    } = forms);
  }

  protected override _sample(n: number, rng: Rng): tf.Tensor {
    const u = tf.maximum(rng.uniform(this.sampleShape(n)), TINY);
    return tf.maximum(tf.floor(tf.div(tf.log(u), this.logQ)), 0);
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    return tf.add(mulLog(x, this.logQ), this.logP);
  }

  protected _entropy(): tf.Tensor {
    const bits = tf.add(mulLog(this.probs, this.logP), mulLog(this.complement, this.logQ));
    return tf.div(tf.neg(bits), this.probs);
  }

  protected _mean(): tf.Tensor {
    return tf.div(this.complement, this.probs);
  }

  protected _variance(): tf.Tensor {
    return tf.div(this.complement, tf.square(this.probs));
  }

  protected override _mode(): tf.Tensor {
    return tf.zeros([...this.batchShape]);
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    return this.cdfAt(tf.floor(x), x);
  }

  protected override _icdf(u: tf.Tensor): tf.Tensor {
    const candidate = tf.maximum(tf.sub(tf.ceil(tf.div(log1m(u), this.logQ)), 1), 0);
    // ⌈·⌉ of a quotient that rounds just above an integer overshoots by one: step back where
    // the cdf one below already reaches u (scipy's correction).
    const below = tf.sub(candidate, 1);
    const back = tf.logicalAnd(
      tf.greaterEqual(candidate, 1),
      tf.greaterEqual(this.cdfAt(below, below), u),
    );
    return tf.where(back, below, candidate);
  }

  /** 1 − (1 − p)^(k+1) for integer k, 0 where x < 0. */
  private cdfAt(k: tf.Tensor, x: tf.Tensor): tf.Tensor {
    const value = tf.neg(tf.expm1(tf.mul(tf.add(k, 1), this.logQ)));
    return tf.where(tf.less(x, 0), tf.zerosLike(value), value);
  }
}
