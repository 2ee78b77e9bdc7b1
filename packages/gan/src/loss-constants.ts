import * as tf from '@tensorflow/tfjs-core';
import type { GanLoss } from './losses.js';

/**
 * The constant tensors a Gan's fused losses read every step, made once with the Gan and freed by
 * its `dispose()`: without them each step would upload the same scalars again (`tf.mul(x, 2)`
 * makes a new tensor per call). Rows index the joint critic output viewed as [2, n]: row 0 the
 * real batch, row 1 the fakes.
 */
export class LossConstants {
  /** [[−1], [1]]: the sign that turns each row's logit into its loss argument. */
  readonly signs: tf.Tensor | undefined;
  /**
   * BCE losses with a real label s < 1: [[1 − s], [0]], the linear term of
   * s·softplus(−a) + (1 − s)·softplus(a) = softplus(−a) + (1 − s)·a.
   * Least squares: [[s], [0]], the targets.
   */
  rowShift: tf.Tensor | undefined;
  readonly one: tf.Scalar | undefined;
  readonly half: tf.Scalar | undefined;
  private smoothing: number;

  constructor(
    private readonly loss: GanLoss,
    smoothing: number,
  ) {
    const kept = <T extends tf.Tensor>(t: T) => tf.keep(t);
    const bce = loss === 'minimax' || loss === 'non-saturating';
    const leastSquares = loss === 'least-squares';
    const needsSigns =
      bce || loss === 'wasserstein' || loss === 'wasserstein-gp' || loss === 'hinge';
    this.signs = needsSigns ? kept(tf.tensor2d([[-1], [1]])) : undefined;
    this.smoothing = smoothing;
    this.rowShift = tf.tidy(() => this.shiftFor(smoothing));
    if (this.rowShift !== undefined) tf.keep(this.rowShift);
    this.one = loss === 'hinge' || leastSquares ? kept(tf.scalar(1)) : undefined;
    this.half = leastSquares ? kept(tf.scalar(0.5)) : undefined;
  }

  /** Sets the real label s (a decaying label-smoothing schedule changes it between updates). */
  setSmoothing(smoothing: number): void {
    if (smoothing === this.smoothing) return;
    this.rowShift?.dispose();
    this.smoothing = smoothing;
    this.rowShift = tf.tidy(() => this.shiftFor(smoothing));
    if (this.rowShift !== undefined) tf.keep(this.rowShift);
  }

  private shiftFor(smoothing: number): tf.Tensor | undefined {
    const bce = this.loss === 'minimax' || this.loss === 'non-saturating';
    if (bce && smoothing !== 1) return tf.tensor2d([[1 - smoothing], [0]]);
    if (this.loss === 'least-squares') return tf.tensor2d([[smoothing], [0]]);
    return undefined;
  }

  dispose(): void {
    tf.dispose([this.signs, this.rowShift, this.one, this.half].filter((t) => t !== undefined));
  }
}
