import { ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { recordPart } from '../flow/transform-configs.js';
import { LearnedBijector } from '../learned-bijector.js';
import { assertOptions, assertSize } from '../options.js';

/** Options of {@link Squeeze}. */
export interface SqueezeOptions {
  /** C, the channels of the images `forward` takes (`[..., h, w, C]`). */
  dim: number;
  /** The layer's name, as other learned bijectors have one (default 'squeeze'; it has no weights). */
  name?: string;
}

/**
 * The 2×2 squeeze of RealNVP (Dinh et al. 2017, §3.6) and Glow: space-to-depth on images,
 * channels last,
 *
 *   forward: [..., h, w, C] → [..., h/2, w/2, 4C],   y[i, j, (2a + b)·C + c] = x[2i + a, 2j + b, c],
 *
 * and depth-to-space back (`inverse`). A permutation of the values, so log |det J| = 0 (per
 * image, `[...]`). `eventRank` 3; h and w must be even (a `ShapeMismatchError` otherwise). It
 * has no weights; it is a `LearnedBijector` so that it composes with the image layers
 * (`InvertibleConv1x1`, `ConvAffineCoupling`) and `MultiscaleFlow` like they do.
 *
 * ```ts
 * const squeeze = new Squeeze({ dim: 1 });
 * squeeze.forward(images); // [n, 28, 28, 1] → [n, 14, 14, 4]
 * ```
 */
export class Squeeze extends LearnedBijector {
  readonly isConstantJacobian = true;
  override readonly eventRank: number = 3;

  constructor(options: SqueezeOptions) {
    const fn = 'Squeeze';
    assertOptions(fn, options, ['dim', 'name']);
    assertSize(fn, 'dim', options.dim, 1);
    super(fn, options.name ?? 'squeeze', options.dim);
    recordPart(this, fn, options);
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    const lead = x.shape.slice(0, -3);
    const [h, w, c] = x.shape.slice(-3) as [number, number, number];
    // Rank-4 steps only (every backend transposes rank 4): rows of pixel pairs, then swap.
    const pairs = tf.reshape(x, [-1, 2, w / 2, 2 * c]);
    const y = tf.reshape(tf.transpose(pairs, [0, 2, 1, 3]), [...lead, h / 2, w / 2, 4 * c]);
    return { y, logDet: tf.zeros(lead) };
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    const lead = y.shape.slice(0, -3);
    const [h2, w2] = y.shape.slice(-3) as [number, number, number];
    const c = this.dim;
    const blocks = tf.reshape(y, [-1, w2, 2, 2 * c]);
    const x = tf.reshape(tf.transpose(blocks, [0, 2, 1, 3]), [...lead, 2 * h2, 2 * w2, c]);
    return { x, logDet: tf.zeros(lead) };
  }

  protected override checkShape(fn: string, arg: string, t: tf.Tensor): void {
    const c = arg === 'x' ? this.dim : 4 * this.dim;
    const [h, w] = t.shape.slice(-3);
    const even = arg === 'x' ? h! % 2 === 0 && w! % 2 === 0 : true;
    if (t.rank < 3 || t.shape[t.rank - 1] !== c || !even) {
      const want = arg === 'x' ? `[..., h, w, ${c}] with h and w even` : `[..., h, w, ${c}]`;
      throw new ShapeMismatchError(
        `${fn}: argument '${arg}' must have shape ${want}, got [${t.shape.join(', ')}]`,
      );
    }
  }
}
