import * as tf from '@tensorflow/tfjs-core';

/**
 * Bias-corrected exponential moving average of a scalar, kept in a non-trainable tf.Variable
 * (no read-back to JavaScript, so it is cheap on GPU backends):
 * mₜ = d·mₜ₋₁ + (1 − d)·xₜ, reported as mₜ/(1 − dᵗ) (Adam's correction, so early values are not
 * pulled towards 0), and 0 before the first update.
 */
export class MovingAverage {
  readonly decay: number;
  private average: tf.Variable | null = null;
  private updates = 0;

  constructor(decay: number) {
    this.decay = decay;
  }

  /** How many values have been averaged. */
  get count(): number {
    return this.updates;
  }

  /** The corrected average as a new scalar (0 before the first update); the caller owns it. */
  current(): tf.Scalar {
    if (this.average === null || this.updates === 0) return tf.scalar(0);
    return tf.div(this.average, 1 - this.decay ** this.updates);
  }

  /** Folds `x` (a scalar; not differentiated) into the average. */
  update(x: tf.Tensor): void {
    tf.tidy(() => {
      if (this.average === null) this.average = tf.variable(tf.scalar(0), false);
      const next = tf.add(
        tf.mul(this.average, this.decay),
        tf.mul(tf.reshape(x, []), 1 - this.decay),
      );
      this.average.assign(next);
    });
    this.updates += 1;
  }

  /** Forgets the history (keeps the variable for reuse). */
  reset(): void {
    this.updates = 0;
  }

  /** Releases the variable; a later update creates a new one. */
  dispose(): void {
    this.average?.dispose();
    this.average = null;
    this.updates = 0;
  }
}
