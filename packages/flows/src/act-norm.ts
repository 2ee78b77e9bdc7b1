import { InvalidArgumentError, invalidArgument, type NamedTensors } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { recordPart } from './flow/transform-configs.js';
import { LearnedBijector } from './learned-bijector.js';
import { type LearnedBijectorOptions, parseLearnedOptions } from './options.js';

export interface ActNormOptions extends LearnedBijectorOptions {
  /**
   * Initialise from the first batch that reaches `inverse`/`inverseAndLogDet` with >= 2 rows
   * (default true). That is the data-to-noise pass `Flow.loss` and `Flow.logProb` make, so in a
   * Flow it happens on the first training batch.
   */
  dataInit?: boolean;
}

/** Added to the standard deviation so a constant coordinate gives a finite log-scale. */
const STD_EPSILON = 1e-6;

/**
 * Activation normalisation (Kingma & Dhariwal 2018, Glow), per coordinate:
 * y = x ⊙ exp(log s) + t, x = (y − t) ⊙ exp(−log s), log |det J| = Σ_i log s_i (constant).
 * Data-dependent initialisation: `initialize(y)` sets t = mean(y) and log s = log(std(y) + 1e-6)
 * per coordinate (population std over all leading axes), so the inverse of that batch — the
 * noise side, where the rest of the flow continues — has zero mean and unit variance. It
 * runs by itself on the first batch the inverse sees unless `dataInit: false`; `setWeights`
 * counts as initialised. Starts as the identity. `hiddenSizes` is accepted and ignored.
 *
 * ```ts
 * const norm = new ActNorm({ dim: 2 });
 * norm.initialize(data);   // data: [n, 2]; norm.inverse(data) is now standardised
 * ```
 */
export class ActNorm extends LearnedBijector {
  readonly isConstantJacobian = true;
  readonly shift: tf.Variable;
  readonly logScale: tf.Variable;
  readonly dataInit: boolean;
  private initializedFlag = false;

  constructor(options: ActNormOptions) {
    const fn = 'ActNorm';
    const { dim, rng } = parseLearnedOptions(fn, options, ['dataInit']);
    const { dataInit = true } = options;
    if (typeof dataInit !== 'boolean') {
      throw invalidArgument(fn, 'dataInit', dataInit, 'must be a boolean');
    }
    super(fn, options.name ?? 'actNorm', dim);
    recordPart(this, fn, options);
    this.shift = this.addWeight('shift', [dim], 'zeros', rng);
    this.logScale = this.addWeight('logScale', [dim], 'zeros', rng);
    this.dataInit = dataInit;
  }

  /** Whether the parameters came from data (`initialize`, automatic init) or `setWeights`. */
  get initialized(): boolean {
    return this.initializedFlag;
  }

  /**
   * Sets t and log s from a data-side batch `y: [..., dim]` (>= 2 rows, finite) so that
   * `inverse(y)` has per-coordinate mean 0 and variance 1.
   */
  initialize(y: tf.Tensor): void {
    const fn = 'ActNorm.initialize';
    this.checkInput(fn, 'y', y);
    const rows = y.size / this.dim;
    if (rows < 2) throw invalidArgument(fn, 'y', y, 'must hold at least 2 rows');
    const values = y.dataSync();
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new InvalidArgumentError(
        `${fn}: argument 'y' must be finite, got ${values[bad]} at flat index ${bad}`,
      );
    }
    this.assignFromBatch(y);
  }

  override setWeights(weights: NamedTensors): void {
    super.setWeights(weights);
    this.initializedFlag = true;
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    const y = tf.add(tf.mul(x, tf.exp(this.logScale)), this.shift);
    return { y, logDet: this.constantLogDet(x, 1) };
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    if (this.dataInit && !this.initializedFlag && y.size / this.dim >= 2) this.assignFromBatch(y);
    const x = tf.mul(tf.sub(y, this.shift), tf.exp(tf.neg(this.logScale)));
    return { x, logDet: this.constantLogDet(y, -1) };
  }

  /** ±Σ log s, broadcast to the batch shape of `v`. */
  private constantLogDet(v: tf.Tensor, sign: 1 | -1): tf.Tensor {
    const total = tf.mul(sign, tf.sum(this.logScale));
    return tf.mul(tf.ones(v.shape.slice(0, -1)), total);
  }

  private assignFromBatch(y: tf.Tensor): void {
    tf.tidy(() => {
      const rows = tf.reshape(y, [-1, this.dim]);
      const { mean, variance } = tf.moments(rows, 0);
      this.shift.assign(mean);
      this.logScale.assign(tf.log(tf.add(tf.sqrt(variance), STD_EPSILON)));
    });
    this.initializedFlag = true;
  }
}
