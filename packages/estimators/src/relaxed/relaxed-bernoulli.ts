import { NotImplementedError, type Rng } from '@gen/core';
import { BaseDistribution, type ParamLike } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import {
  expandedRelaxationParams,
  ONE_MINUS_EPS,
  pickRelaxationParams,
  type RelaxationOptions,
  TINY,
} from './relaxation-options.js';
import { logAddExp, straightThroughValue } from './straight-through.js';

export type RelaxedBernoulliParams = ({ logits: ParamLike } | { probs: ParamLike }) &
  RelaxationOptions;

/**
 * The binary Concrete / relaxed Bernoulli distribution (Maddison et al. 2017; Jang et al. 2017)
 * on (0, 1): y = σ((ℓ + L)/τ) with L = log U − log(1 − U) logistic noise, so y → Bernoulli(σ(ℓ))
 * draws as τ → 0. `rsample` is reparameterised: use it with {@link pathwise} as a biased,
 * low-variance stand-in for a Bernoulli (the cost receives values in (0, 1)). With
 * `straightThrough`, draws are the exact Bernoulli samples 1{ℓ + L > 0} in the forward pass and
 * carry the gradient of the relaxed draws (biased).
 *
 * log p(y) = log τ + ℓ − (τ + 1)(log y + log(1 − y)) − 2 log(e^{ℓ − τ log y} + e^{−τ log(1−y)})
 * (the relaxed density; inputs are clamped into (0, 1)). No closed-form entropy, mean or variance.
 *
 * ```ts
 * const d = relaxedBernoulli({ logits: [0.5, -1], temperature: 0.5 });
 * const { loss } = pathwise().surrogate(d, (y) => tf.square(tf.sub(y, 0.3)), { samples: 64, rng });
 * ```
 */
export class RelaxedBernoulli extends BaseDistribution {
  readonly hasRsample = true;
  readonly support = 'unitInterval' as const;
  readonly logits: tf.Tensor;
  readonly probs: tf.Tensor;
  readonly temperature: number;
  readonly straightThrough: boolean;

  constructor(params: RelaxedBernoulliParams) {
    const fn = 'RelaxedBernoulli';
    const given = pickRelaxationParams(fn, params);
    const options = params.validateArgs === undefined ? {} : { validateArgs: params.validateArgs };
    const p = BaseDistribution.prepare(
      fn,
      { [given.name]: given.value },
      { [given.name]: given.name === 'logits' ? 'real' : 'unitInterval' },
      options,
    );
    super(p.params, p.batchShape, [], options);
    this.own(p.owned);
    this.temperature = given.temperature;
    this.straightThrough = given.straightThrough;
    const t = p.params[given.name]!;
    if (given.name === 'logits') {
      this.logits = t;
      this.probs = tf.sigmoid(t);
      this.own([this.probs]);
    } else {
      this.probs = t;
      this.logits = tf.tidy(() => tf.sub(tf.log(t), tf.log1p(tf.neg(t))));
      this.own([this.logits]);
    }
  }

  /** {@link BaseDistribution.expand}: the broadcast logits or probs, same temperature and mode. */
  protected override _expand(
    _batchShape: number[],
    broadcast: (t: tf.Tensor, eventRank?: number) => tf.Tensor,
  ): RelaxedBernoulli {
    return new RelaxedBernoulli(expandedRelaxationParams(this, broadcast));
  }

  protected override _rsample(n: number, rng: Rng): tf.Tensor {
    const u = tf.clipByValue(rng.uniform(this.sampleShape(n)), TINY, ONE_MINUS_EPS);
    const noise = tf.sub(tf.log(u), tf.log1p(tf.neg(u)));
    const z = tf.div(tf.add(this.logits, noise), this.temperature);
    const soft = tf.clipByValue(tf.sigmoid(z), TINY, ONE_MINUS_EPS);
    if (!this.straightThrough) return soft;
    return straightThroughValue(tf.cast(tf.greater(z, 0), 'float32'), soft);
  }

  protected _logProb(y: tf.Tensor): tf.Tensor {
    const x = tf.clipByValue(y, TINY, ONE_MINUS_EPS);
    const [logY, log1mY] = [tf.log(x), tf.log1p(tf.neg(x))];
    const tau = this.temperature;
    const a = tf.sub(this.logits, tf.mul(tau, logY));
    const b = tf.mul(-tau, log1mY);
    const logSum = logAddExp(a, b);
    const body = tf.sub(this.logits, tf.mul(tau + 1, tf.add(logY, log1mY)));
    return tf.sub(tf.add(body, Math.log(tau)), tf.mul(2, logSum));
  }

  protected _entropy(): tf.Tensor {
    throw new NotImplementedError('RelaxedBernoulli.entropy: no closed form');
  }

  protected _mean(): tf.Tensor {
    throw new NotImplementedError('RelaxedBernoulli.mean: no closed form');
  }

  protected _variance(): tf.Tensor {
    throw new NotImplementedError('RelaxedBernoulli.variance: no closed form');
  }
}

/** A {@link RelaxedBernoulli}: `relaxedBernoulli({ logits, temperature, straightThrough })`. */
export function relaxedBernoulli(params: RelaxedBernoulliParams): RelaxedBernoulli {
  return new RelaxedBernoulli(params);
}
