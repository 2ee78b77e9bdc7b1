import { assertOneOf, assertTensor, invalidArgument, ShapeMismatchError } from '@gen/core';
import { Conv2d, type Conv2dOptions } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';

/** 'A' hides the centre pixel (first layer), 'B' lets it through (later layers). */
export type MaskType = 'A' | 'B';

/** Options of {@link MaskedConv2d}: those of `Conv2d` (stride 1, 'same' padding) and the type. */
export interface MaskedConv2dOptions extends Omit<Conv2dOptions, 'stride' | 'padding'> {
  maskType: MaskType;
}

/**
 * The raster-order mask of a PixelCNN kernel `[kh, kw, inC, outC]` (van den Oord et al. 2016):
 * 1 at the rows above the centre, and at the centre row left of the centre (and at the centre
 * itself for type 'B'); 0 elsewhere. One colour channel, so every channel pair shares it.
 *
 * ```ts
 * rasterMask(3, 3, 1, 1, 'A'); // rows [1 1 1], [1 0 0], [0 0 0]
 * ```
 */
export function rasterMask(
  kh: number,
  kw: number,
  inChannels: number,
  outChannels: number,
  type: MaskType,
): tf.Tensor4D {
  const [ch, cw] = [(kh - 1) / 2, (kw - 1) / 2];
  const values = new Float32Array(kh * kw * inChannels * outChannels);
  const block = inChannels * outChannels;
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const open = a < ch || (a === ch && (b < cw || (type === 'B' && b === cw)));
      if (open) values.fill(1, (a * kw + b) * block, (a * kw + b + 1) * block);
    }
  }
  return tf.tensor4d(values, [kh, kw, inChannels, outChannels]);
}

/**
 * A `Conv2d` (@gen/nn) whose kernel is multiplied by a fixed raster-order mask at apply time:
 * y = act(conv(x, W ⊙ M) + b), stride 1, 'same' padding, odd kernel sizes. Output pixel (r, c)
 * then depends only on input pixels before (r, c) in raster order (type 'A'), or up to and
 * including it (type 'B'). Masked entries of W get zero gradient. Gradients reach W on every
 * backend, wasm included, through Conv2d's own convolution.
 *
 * ```ts
 * const first = new MaskedConv2d({ inChannels: 1, outChannels: 32, kernelSize: 7, maskType: 'A' });
 * first.apply(images); // [n, 28, 28, 32]; pixel (r, c) sees only pixels before it
 * ```
 */
export class MaskedConv2d extends Conv2d {
  readonly maskType: MaskType;
  /** The mask M, shaped like the kernel. */
  readonly mask: tf.Tensor4D;

  constructor(options: MaskedConv2dOptions) {
    const fn = 'MaskedConv2d';
    if (options === null || typeof options !== 'object') {
      throw invalidArgument(fn, 'options', options, 'must be an options object');
    }
    const { maskType, ...conv } = options;
    assertOneOf(fn, 'maskType', maskType, ['A', 'B'] as const);
    for (const key of ['stride', 'padding']) {
      if (key in conv) {
        throw invalidArgument(
          fn,
          key,
          (conv as Record<string, unknown>)[key],
          "is not an option: masked convolutions use stride 1 and padding 'same'",
        );
      }
    }
    const size = conv.kernelSize;
    const sizes = Array.isArray(size) ? size : [size];
    if (!sizes.every((k) => Number.isInteger(k) && k >= 1 && k % 2 === 1)) {
      throw invalidArgument(fn, 'kernelSize', size, 'must be an odd integer or a pair of them');
    }
    super({ name: 'maskedConv2d', ...conv });
    const [kh, kw] = this.kernelSize;
    this.maskType = maskType;
    // keep: a layer built inside a user's tf.tidy must not lose its mask when it ends.
    this.mask = tf.keep(rasterMask(kh, kw, this.inChannels, this.outChannels, maskType));
  }

  /** W ⊙ M, the kernel the layer convolves with; the caller owns it. */
  maskedKernel(): tf.Tensor4D {
    this.assertLive('MaskedConv2d.maskedKernel');
    return tf.mul(this.kernel, this.mask);
  }

  /** Convolves `x: [n, h, w, inChannels]` with the masked kernel; returns [n, h, w, outChannels]. */
  override apply(x: tf.Tensor): tf.Tensor {
    const fn = 'MaskedConv2d.apply';
    this.assertLive(fn);
    assertTensor(fn, 'x', x);
    if (x.rank !== 4 || x.shape[3] !== this.inChannels) {
      throw new ShapeMismatchError(
        `${fn}: argument 'x' must have shape [batch, height, width, ${this.inChannels}], got [${x.shape.join(', ')}]`,
      );
    }
    return super.apply(x);
  }

  /** Conv2d convolves with this inside `apply`'s tidy, so the product is freed with it. */
  protected override effectiveKernel(): tf.Tensor {
    return tf.mul(this.kernel, this.mask);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.mask.dispose();
    super.dispose();
  }
}
