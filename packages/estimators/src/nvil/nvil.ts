import {
  assertKnownOptions,
  type CostFunction,
  type Distribution,
  type GradientEstimator,
  invalidArgument,
  isNetwork,
  type Network,
  ShapeMismatchError,
  type Surrogate,
  type SurrogateOptions,
  stopGradient,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { batchTotalOfMeans, checkSurrogateArgs, evaluateCost } from '../cost.js';
import { detach } from '../detach.js';
import { MovingAverage } from '../moving-average.js';
import { parameterFeatures } from './baseline-features.js';

export interface NvilOptions {
  /** The baseline b(x): maps `[prod(batchShape), features]` to `[prod(batchShape)]` or `[…, 1]`. */
  network: Network;
  /**
   * The baseline's input, `[prod(batchShape), features]`, from the distribution (default: its
   * parameters without gradient, one row per batch element). It must not depend on the draws.
   */
  features?: (dist: Distribution) => tf.Tensor;
  /** Decay of the running mean and variance of the centred signal, in [0, 1) (default 0.9). */
  decay?: number;
  /**
   * Divide the centred signal by max(1, running standard deviation), as Mnih & Gregor do: a
   * positive rescaling of the whole gradient (same direction in expectation, not the same
   * length). Default false, which keeps the estimate unbiased.
   */
  normalize?: boolean;
}

/**
 * NVIL (Mnih & Gregor 2014): the score-function estimator with a learned, input-dependent
 * baseline b(x) — any `Network` — and running-mean (optionally variance) centring:
 *
 *   ∇θ E[f] ≈ mean_s (f(xₛ) − b(x) − C) ∇θ log p(xₛ; θ)   (÷ max(1, √V) with `normalize`),
 *
 * where C and V are bias-corrected moving averages of the mean and variance of f − b(x) over
 * earlier calls. Neither b(x) nor C depends on the current draws, so the estimate is unbiased.
 *
 * The baseline is trained in the same loss: the gradient of `loss` with respect to the
 * network's variables is that of ½ Σ_batch mean_s (f(xₛ) − C − b(x))² (regression of the centred
 * learning signal), while the loss's value is unchanged. One `optimizer.minimize` over all
 * variables therefore trains the model and the baseline.
 *
 * Surrogate: loss = Σ_batch mean_s [f + ⊥w (log p − ⊥log p)] + (r − ⊥r), r the regression loss;
 * value = Σ_batch mean_s f. `dispose()` frees the running statistics (not the network).
 *
 * ```ts
 * const estimator = nvil({ network: mlp });
 * optimizer.minimize(() => estimator.surrogate(new Bernoulli({ logits }), cost,
 *   { samples: 4, rng }).loss);
 * ```
 */
export class NvilEstimator implements GradientEstimator {
  readonly name = 'nvil';
  readonly network: Network;
  readonly decay: number;
  readonly normalize: boolean;
  private readonly features: ((dist: Distribution) => tf.Tensor) | undefined;
  private readonly centre: MovingAverage;
  private readonly spread: MovingAverage;

  constructor(options: NvilOptions) {
    const fn = 'nvil';
    if (typeof options !== 'object' || options === null) {
      throw invalidArgument(fn, 'options', options, 'must be { network, ... }');
    }
    assertKnownOptions(fn, options, ['network', 'features', 'decay', 'normalize']);
    const { network, features, decay = 0.9, normalize = false } = options;
    if (!isNetwork(network)) {
      throw invalidArgument(
        fn,
        'network',
        network,
        'must be a Network (apply, trainableVariables)',
      );
    }
    if (features !== undefined && typeof features !== 'function') {
      throw invalidArgument(fn, 'features', features, 'must be a function dist => tf.Tensor');
    }
    if (typeof decay !== 'number' || !(decay >= 0 && decay < 1)) {
      throw invalidArgument(fn, 'decay', decay, 'must be a number in [0, 1)');
    }
    if (typeof normalize !== 'boolean') {
      throw invalidArgument(fn, 'normalize', normalize, 'must be a boolean');
    }
    this.network = network;
    this.features = features;
    this.decay = decay;
    this.normalize = normalize;
    this.centre = new MovingAverage(decay);
    this.spread = new MovingAverage(decay);
  }

  surrogate(dist: Distribution, cost: CostFunction, options: SurrogateOptions): Surrogate {
    const fn = 'nvil.surrogate';
    checkSurrogateArgs(fn, dist, cost, options);
    return tf.tidy(() => {
      const x = detach(dist.sample(options.samples, options.rng));
      const c = evaluateCost(fn, cost, x, dist.batchShape);
      const signal = stopGradient(c);
      const b = this.baselineAt(fn, dist);
      const centred = tf.sub(signal, this.centre.current());
      let weight = tf.sub(centred, stopGradient(b));
      if (this.normalize) {
        weight = tf.div(weight, tf.maximum(1, tf.sqrt(this.spread.current())));
      }
      const residual = tf.sub(signal, stopGradient(b));
      const mean = tf.mean(residual);
      this.centre.update(mean);
      this.spread.update(tf.mean(tf.square(tf.sub(residual, mean))));
      const logP = dist.logProb(x);
      const score = tf.mul(weight, tf.sub(logP, stopGradient(logP)));
      const regression = tf.mul(0.5, batchTotalOfMeans(tf.square(tf.sub(centred, b))));
      const loss = tf.add(
        tf.add(batchTotalOfMeans(c), batchTotalOfMeans(score)),
        tf.sub(regression, stopGradient(regression)),
      );
      return { loss: loss as tf.Scalar, value: stopGradient(batchTotalOfMeans(c)) };
    });
  }

  /** Forgets the running mean and variance. */
  reset(): void {
    this.centre.reset();
    this.spread.reset();
  }

  /** Releases the running statistics (the network stays the caller's). */
  dispose(): void {
    this.centre.dispose();
    this.spread.dispose();
  }

  /** b(x) shaped like the batch. */
  private baselineAt(fn: string, dist: Distribution): tf.Tensor {
    const rows = dist.batchShape.reduce((a, d) => a * d, 1);
    const input = this.features === undefined ? parameterFeatures(fn, dist) : this.features(dist);
    if (!(input instanceof tf.Tensor) || input.rank !== 2 || input.shape[0] !== rows) {
      const got = input instanceof tf.Tensor ? `[${input.shape.join(', ')}]` : typeof input;
      throw new ShapeMismatchError(
        `${fn}: the baseline's features must have shape [${rows}, features], got ${got}`,
      );
    }
    const out = this.network.apply(stopGradient(input));
    if (!(out instanceof tf.Tensor) || out.size !== rows) {
      const got = out instanceof tf.Tensor ? `[${out.shape.join(', ')}]` : typeof out;
      throw new ShapeMismatchError(
        `${fn}: the baseline network must map [${rows}, ${input.shape[1]}] to [${rows}] or [${rows}, 1], got ${got}`,
      );
    }
    return tf.reshape(out, [...dist.batchShape]);
  }
}

/** An {@link NvilEstimator}: `nvil({ network, decay, normalize, features })`. */
export function nvil(options: NvilOptions): NvilEstimator {
  return new NvilEstimator(options);
}
