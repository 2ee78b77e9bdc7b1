import { invalidArgument, type NamedTensors } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { recordPart } from './flow/transform-configs.js';
import { LearnedBijector } from './learned-bijector.js';
import { assertNumberAbove, type LearnedBijectorOptions, parseLearnedOptions } from './options.js';

export interface BatchNormOptions extends LearnedBijectorOptions {
  /** Weight of a new batch in the running averages, in (0, 1] (default 0.1, as torch). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  epsilon?: number;
}

/**
 * Batch normalisation as a bijector (Dinh, Sohl-Dickstein & Bengio 2017 §3.7; nflows
 * `BatchNorm`), on the data → noise pass a Flow's density runs through, per coordinate:
 *
 *   x = γ ⊙ (y − μ) / √(σ² + ε) + β,   log |det ∂x/∂y| = Σᵢ (log γᵢ − ½ log(σᵢ² + ε)),
 *
 * and `forward` (noise → data, sampling) its exact inverse. γ = exp(log γ) and β are learned
 * (`<name>/logScale`, `<name>/shift`). In training mode (the default, `train()`) `inverse` with
 * at least 2 rows uses the batch's mean and (population) variance, gradients flowing through
 * them, and moves the running averages μ̂ ← (1 − m) μ̂ + m μ_batch (likewise σ̂², m =
 * `momentum`); in evaluation mode (`eval()`), and always in `forward` or on a single row, it
 * uses the running averages, so the map is affine and exactly invertible. The running averages
 * are state, not trainable: they are not in `trainableVariables` but are in `getWeights`
 * (`<name>/runningMean`, `<name>/runningVariance`), so a checkpoint keeps them. Switch to
 * `eval()` before evaluating or sampling a trained flow. `hiddenSizes` is ignored.
 *
 * ```ts
 * const bn = new BatchNorm({ dim: 2 });
 * flow.loss(batch);   // training mode: batch statistics, running averages move
 * bn.eval();          // then logProb and sample use the running averages
 * ```
 */
export class BatchNorm extends LearnedBijector {
  readonly isConstantJacobian = false;
  readonly momentum: number;
  readonly epsilon: number;
  readonly logScale: tf.Variable;
  readonly shift: tf.Variable;
  /** μ̂, the running mean (not trainable). */
  readonly runningMean: tf.Variable;
  /** σ̂², the running variance (not trainable). */
  readonly runningVariance: tf.Variable;
  private trainingFlag = true;

  constructor(options: BatchNormOptions) {
    const fn = 'BatchNorm';
    const { dim, rng } = parseLearnedOptions(fn, options, ['momentum', 'epsilon']);
    const { momentum = 0.1, epsilon = 1e-5 } = options;
    assertNumberAbove(fn, 'momentum', momentum, 0);
    if (momentum > 1) throw invalidArgument(fn, 'momentum', momentum, 'must be <= 1');
    assertNumberAbove(fn, 'epsilon', epsilon, 0);
    super(fn, options.name ?? 'batchNorm', dim);
    recordPart(this, fn, options);
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.logScale = this.addWeight('logScale', [dim], 'zeros', rng);
    this.shift = this.addWeight('shift', [dim], 'zeros', rng);
    this.runningMean = tf.tidy(() => tf.variable(tf.zeros([dim]), false));
    this.runningVariance = tf.tidy(() => tf.variable(tf.ones([dim]), false));
  }

  /** Whether `inverse` uses batch statistics (training mode) or the running averages. */
  get training(): boolean {
    return this.trainingFlag;
  }

  /** Training mode: `inverse` on >= 2 rows uses batch statistics and updates the averages. */
  train(): this {
    this.trainingFlag = true;
    return this;
  }

  /** Evaluation mode: every pass uses the running averages (an exact affine bijector). */
  eval(): this {
    this.trainingFlag = false;
    return this;
  }

  /** The trainable variables and the running averages by logical name. */
  override namedWeights(): Record<string, tf.Variable> {
    return {
      ...super.namedWeights(),
      [`${this.name}/runningMean`]: this.runningMean,
      [`${this.name}/runningVariance`]: this.runningVariance,
    };
  }

  /** Copies of the weights and of the running averages. */
  override getWeights(): NamedTensors {
    return {
      ...super.getWeights(),
      [`${this.name}/runningMean`]: tf.clone(this.runningMean),
      [`${this.name}/runningVariance`]: tf.clone(this.runningVariance),
    };
  }

  /** Assigns the weights and the running averages (all of `getWeights()`'s names). */
  override setWeights(weights: NamedTensors): void {
    const mean = `${this.name}/runningMean`;
    const variance = `${this.name}/runningVariance`;
    const { [mean]: m, [variance]: v, ...rest } = weights;
    const fn = 'BatchNorm.setWeights';
    for (const [name, t] of [
      [mean, m],
      [variance, v],
    ] as const) {
      if (!(t instanceof tf.Tensor) || !tf.util.arraysEqual(t.shape, [this.dim])) {
        throw invalidArgument(
          fn,
          `weights['${name}']`,
          t,
          `must be a tensor of shape [${this.dim}]`,
        );
      }
    }
    super.setWeights(rest);
    this.runningMean.assign(tf.cast(m!, 'float32'));
    this.runningVariance.assign(tf.cast(v!, 'float32'));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    tf.dispose([this.runningMean, this.runningVariance]);
    super.dispose();
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    const { mean, logStd } = this.statistics(null);
    const y = tf.add(tf.mul(tf.sub(x, this.shift), tf.exp(tf.sub(logStd, this.logScale))), mean);
    return { y, logDet: this.logDet(x, tf.sub(logStd, this.logScale)) };
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    const batch = this.trainingFlag && y.size / this.dim >= 2 ? y : null;
    const { mean, logStd } = this.statistics(batch);
    const x = tf.add(tf.mul(tf.sub(y, mean), tf.exp(tf.sub(this.logScale, logStd))), this.shift);
    return { x, logDet: this.logDet(y, tf.sub(this.logScale, logStd)) };
  }

  /** μ and ½ log(σ² + ε): of `batch` (moving the running averages), or the running ones. */
  private statistics(batch: tf.Tensor | null): { mean: tf.Tensor; logStd: tf.Tensor } {
    let mean: tf.Tensor = this.runningMean;
    let variance: tf.Tensor = this.runningVariance;
    if (batch !== null) {
      const moments = tf.moments(tf.reshape(batch, [-1, this.dim]), 0);
      mean = moments.mean;
      variance = moments.variance;
      const m = this.momentum;
      this.runningMean.assign(tf.add(tf.mul(1 - m, this.runningMean), tf.mul(m, mean)));
      this.runningVariance.assign(tf.add(tf.mul(1 - m, this.runningVariance), tf.mul(m, variance)));
    }
    return { mean, logStd: tf.mul(0.5, tf.log(tf.add(variance, this.epsilon))) };
  }

  /** Σᵢ logScaleᵢ broadcast to the batch shape of `v`. */
  private logDet(v: tf.Tensor, logScale: tf.Tensor): tf.Tensor {
    return tf.mul(tf.ones(v.shape.slice(0, -1)), tf.sum(logScale));
  }
}
