import { ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { LuLinear, type LuLinearOptions } from './lu-linear.js';

/** Options of {@link InvertibleConv1x1}: `dim` is the number of channels C. */
export type InvertibleConv1x1Options = LuLinearOptions;

/**
 * Invertible 1×1 convolution (Kingma & Dhariwal 2018, Glow §3.2) in the LU form: the same
 * C × C matrix W = P L (U + diag(s)) of {@link LuLinear} applied to the channels of every pixel
 * of images `[..., h, w, C]` (channels last, as tfjs), so
 *
 *   y[..., i, j, :] = W x[..., i, j, :],   log |det J| = h · w · Σ log s   (per image).
 *
 * `eventRank` is 3: inputs must be at least `[h, w, C]` and log-dets are per image, `[...]`.
 * `dim` is C. Weights as LuLinear's under the name 'invertibleConv1x1'. A new layer with
 * `permutation: 'none'` is the identity; Glow's fixed channel shuffle is `permutation: 'random'`.
 *
 * ```ts
 * const conv = new InvertibleConv1x1({ dim: 4, permutation: 'random', seed: 0 });
 * const { y, logDet } = conv.forwardAndLogDet(images); // images: [n, 8, 8, 4] → logDet [n]
 * ```
 */
export class InvertibleConv1x1 extends LuLinear {
  protected static override readonly kindName: string = 'InvertibleConv1x1';
  protected static override readonly defaultName: string = 'invertibleConv1x1';
  override readonly eventRank: number = 3;

  protected override checkShape(fn: string, arg: string, t: tf.Tensor): void {
    if (t.rank < 3 || t.shape[t.rank - 1] !== this.dim) {
      throw new ShapeMismatchError(
        `${fn}: argument '${arg}' must have shape [..., h, w, ${this.dim}], got [${t.shape.join(', ')}]`,
      );
    }
  }

  /** ±h·w·Σ log s per image, `[...]` for `v: [..., h, w, C]`. */
  protected override constantLogDet(v: tf.Tensor, sign: 1 | -1): tf.Tensor {
    const perPixel = super.constantLogDet(v, sign);
    return tf.sum(perPixel, [-2, -1]);
  }
}
