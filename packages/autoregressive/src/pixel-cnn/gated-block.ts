import type { Rng } from '@gen/core';
import { Conv2d, Dense, Module } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link GatedBlock} (internal to PixelCnn). */
export interface GatedBlockOptions {
  /** Channels of the incoming stacks: 1 (the image) for the first block. */
  inChannels: number;
  /** Channels p of both outgoing stacks. */
  channels: number;
  /** Odd k: the vertical stack sees k columns, the horizontal one ⌊k/2⌋ pixels to the left. */
  kernelSize: number;
  /** Type 'A' (true: the first block, which hides the pixel itself) or 'B'. */
  first: boolean;
  /** Size of the condition whose linear map biases both gates; 0 for none. */
  conditionSize: number;
  rng: Rng;
  name: string;
}

/** The two stacks a gated block takes and returns, `[n, h, w, channels]` each. */
export interface GatedStacks {
  vertical: tf.Tensor;
  horizontal: tf.Tensor;
}

/**
 * One gated block of the Conditional PixelCNN (van den Oord et al. 2016, fig. 2), for one
 * colour channel. With k = 2m + 1:
 *
 * - the vertical stack convolves the m rows above (first block) or those and the pixel's own
 *   row (later blocks, whose vertical input itself only holds rows above), all k columns; its
 *   output at (r, c) thus depends on rows < r only, in a widening rectangle;
 * - the horizontal stack convolves the m pixels to the left (first block) or those and the
 *   pixel itself (later blocks), and adds a 1×1 convolution of the vertical pre-activation;
 * - each stack's 2p pre-activations are gated as tanh(f) ⊙ σ(g), plus V·c for a condition c;
 * - the horizontal stack ends with a 1×1 convolution and, after the first block, a residual
 *   connection.
 *
 * Together the stacks cover every pixel above within the field, so there is no blind spot. The
 * convolutions are 'valid' ones on explicitly padded inputs, so no weight is masked or wasted.
 */
export class GatedBlock extends Module {
  readonly first: boolean;
  private readonly margin: number;
  private readonly p: number;
  private readonly vertical: Conv2d;
  private readonly horizontal: Conv2d;
  private readonly verticalToHorizontal: Conv2d;
  private readonly output: Conv2d;
  private readonly condition: Dense | null;

  constructor(options: GatedBlockOptions) {
    super(options.name);
    const { inChannels, channels, kernelSize, first, conditionSize, rng } = options;
    const m = (kernelSize - 1) / 2;
    this.first = first;
    this.margin = m;
    this.p = channels;
    const rows = first ? m : m + 1;
    const rngs = rng.split(5);
    const conv = (
      name: string,
      inC: number,
      size: [number, number],
      outC: number,
      r: Rng,
    ): Conv2d =>
      this.addModule(
        name,
        new Conv2d({
          inChannels: inC,
          outChannels: outC,
          kernelSize: size,
          padding: 'valid',
          rng: r,
          name,
        }),
      );
    this.vertical = conv('vertical', inChannels, [rows, kernelSize], 2 * channels, rngs[0]!);
    this.horizontal = conv('horizontal', inChannels, [1, rows], 2 * channels, rngs[1]!);
    this.verticalToHorizontal = conv(
      'verticalToHorizontal',
      2 * channels,
      [1, 1],
      2 * channels,
      rngs[2]!,
    );
    this.output = conv('output', channels, [1, 1], channels, rngs[3]!);
    this.condition =
      conditionSize > 0
        ? this.addModule(
            'condition',
            new Dense({
              inputSize: conditionSize,
              outputSize: 2 * channels,
              useBias: false,
              rng: rngs[4]!,
              name: 'condition',
            }),
          )
        : null;
  }

  /** The image `[n, h, w, 1]` as both stacks (the first block's input). */
  apply(x: tf.Tensor): tf.Tensor {
    this.assertLive('GatedBlock.apply');
    return tf.tidy(() => this.forward({ vertical: x, horizontal: x }, null).horizontal);
  }

  /** Both stacks through the block; `condition` is `[n, C]` (or `[1, C]`) or null. */
  forward(stacks: GatedStacks, condition: tf.Tensor | null): GatedStacks {
    const { margin: m, first } = this;
    const [n, h, w] = stacks.vertical.shape as [number, number, number, number];
    // First block: pad m rows (columns) and drop the output's extra last row (column), so
    // output r sees rows r − m … r − 1; later blocks see rows r − m … r.
    let vertical = this.vertical.apply(
      tf.pad(stacks.vertical, [
        [0, 0],
        [m, 0],
        [m, m],
        [0, 0],
      ]),
    );
    let horizontal = this.horizontal.apply(
      tf.pad(stacks.horizontal, [
        [0, 0],
        [0, 0],
        [m, 0],
        [0, 0],
      ]),
    );
    if (first) {
      vertical = tf.slice(vertical, [0, 0, 0, 0], [n, h, w, -1]);
      horizontal = tf.slice(horizontal, [0, 0, 0, 0], [n, h, w, -1]);
    }
    horizontal = tf.add(horizontal, this.verticalToHorizontal.apply(vertical));
    if (this.condition !== null && condition !== null) {
      const bias = tf.reshape(this.condition.apply(condition), [-1, 1, 1, 2 * this.p]);
      vertical = tf.add(vertical, bias);
      horizontal = tf.add(horizontal, bias);
    }
    const out = this.output.apply(this.gate(horizontal));
    return {
      vertical: this.gate(vertical),
      horizontal: first ? out : tf.add(out, stacks.horizontal),
    };
  }

  /** tanh(f) ⊙ σ(g) of the two halves of the last axis. */
  private gate(z: tf.Tensor): tf.Tensor {
    const [f, g] = tf.split(z, 2, -1);
    return tf.mul(tf.tanh(f!), tf.sigmoid(g!));
  }
}
