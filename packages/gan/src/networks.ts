import type { Rng } from '@gen/core';
import { BatchNorm, Conv2d, Conv2dTranspose, Dense, getActivation, Mlp, Module } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { type GanConditioning, MlpCritic } from './mlp-critic.js';
import { type PowerIterated, SpectralConv2d, SpectralDense } from './spectral-norm.js';

/** Sizes of the DCGAN pair (see `Gan.dcgan`). */
export interface DcganNetworkOptions {
  /**
   * Channels of the generator's last hidden layer and of the discriminator's first; the layers
   * next to them have twice as many (default 32).
   */
  width?: number;
  /** Batch normalisation before each hidden ReLU of the generator (default false). */
  batchNorm?: boolean;
  /** Columns of a condition c appended to z, so the first layer maps [z, c] (default 0: none). */
  conditionSize?: number;
}

/** Options of {@link DcganDiscriminator}. */
export interface DcganDiscriminatorOptions {
  /** w, the channels of the first convolution (default 32). */
  width?: number;
  /** Batch normalisation before the second leaky ReLU (default false). */
  batchNorm?: boolean;
  /** Spectral normalisation of both convolutions and the output layer (default false). */
  spectralNorm?: boolean;
  /**
   * Columns of a condition c appended to each input row, `[n, 784 + conditionSize]` (default 0:
   * none).
   */
  conditionSize?: number;
  /** How c enters (only with `conditionSize`; default 'projection'; see {@link GanConditioning}). */
  conditioning?: GanConditioning;
}

/**
 * DCGAN-style generator for 28 × 28 × 1 images (Radford et al. 2016, scaled down), w = `width`:
 * z → Dense(7·7·2w, relu) → reshape [7, 7, 2w] → ConvT(w, 4×4, stride 2, relu) [14, 14, w]
 * → ConvT(1, 4×4, stride 2, sigmoid) [28, 28, 1] → flatten to [n, 784] pixels in (0, 1).
 * With `batchNorm`, each hidden layer is linear (no bias), then {@link BatchNorm}, then ReLU, as
 * in the paper's generator; in inference mode (`setTraining(false)`, which `Gan.sample` sets)
 * the running statistics replace the batch ones. With `conditionSize` C the input is [z, c],
 * `[n, latentSize + C]`, and the first layer projects the condition with the latent.
 */
export class DcganGenerator extends Module {
  readonly width: number;
  readonly batchNorm: boolean;
  /** Columns of the condition in the input after the latent (0: unconditional). */
  readonly conditionSize: number;
  private readonly dense: Dense;
  private readonly up1: Conv2dTranspose;
  private readonly up2: Conv2dTranspose;
  private readonly norms: readonly [BatchNorm, BatchNorm] | null;

  constructor(latentSize: number, rng: Rng, options: DcganNetworkOptions = {}) {
    super('generator');
    const { width = 32, batchNorm = false, conditionSize = 0 } = options;
    this.width = width;
    this.batchNorm = batchNorm;
    this.conditionSize = conditionSize;
    const [r0, r1, r2] = rng.split(3) as [Rng, Rng, Rng];
    // Batch normalisation subtracts the mean, so a bias before it would do nothing.
    const hidden = batchNorm
      ? ({ activation: 'none', useBias: false } as const)
      : ({ activation: 'relu' } as const);
    this.dense = this.addModule(
      'dense',
      new Dense({
        inputSize: latentSize + conditionSize,
        outputSize: 7 * 7 * 2 * width,
        ...hidden,
        rng: r0,
      }),
    );
    const conv = { kernelSize: 4, stride: 2, padding: 'same' } as const;
    this.up1 = this.addModule(
      'up1',
      new Conv2dTranspose({
        ...conv,
        ...hidden,
        inChannels: 2 * width,
        outChannels: width,
        rng: r1,
      }),
    );
    this.norms = batchNorm
      ? [
          this.addModule('norm0', new BatchNorm({ features: 2 * width, name: 'norm0' })),
          this.addModule('norm1', new BatchNorm({ features: width, name: 'norm1' })),
        ]
      : null;
    this.up2 = this.addModule(
      'up2',
      new Conv2dTranspose({
        ...conv,
        inChannels: width,
        outChannels: 1,
        activation: 'sigmoid',
        rng: r2,
      }),
    );
  }

  apply(z: tf.Tensor): tf.Tensor {
    this.assertLive('DcganGenerator.apply');
    return tf.tidy(() => {
      const norms = this.norms;
      const after = (i: 0 | 1, h: tf.Tensor) => (norms === null ? h : tf.relu(norms[i].apply(h)));
      const h0 = after(0, tf.reshape(this.dense.apply(z), [-1, 7, 7, 2 * this.width]));
      return tf.reshape(this.up2.apply(after(1, this.up1.apply(h0))), [-1, 784]);
    });
  }
}

/**
 * `c: [n, C]` as C constant 28 × 28 channels, [n, 28, 28, C], as a product with ones (its
 * derivatives are plain sums, cheaper than a Tile kernel's twice over in a gradient penalty).
 */
function conditionChannels(c: tf.Tensor): tf.Tensor {
  return tf.mul(tf.reshape(c, [-1, 1, 1, c.shape[1]!]), tf.ones([1, 28, 28, 1]));
}

/**
 * DCGAN-style discriminator, w = `width`: [n, 784] → [28, 28, 1] → Conv(w, 4×4, stride 2,
 * leakyRelu) [14, 14, w] → Conv(2w, 4×4, stride 2, leakyRelu) [7, 7, 2w] → Dense(1): one logit
 * per image. With `batchNorm`, the second convolution is linear (no bias), then
 * {@link BatchNorm}, then the leaky ReLU (the DCGAN paper leaves the first layer
 * unnormalised); `Gan` then runs it over the real batch and the fakes apart. With
 * `spectralNorm`, every kernel is spectrally normalised ({@link SpectralConv2d},
 * {@link SpectralDense}) and `powerIteration()` advances their estimates.
 *
 * With `conditionSize` C each input row is [x, c], `[n, 784 + C]`. `'concat'` conditioning
 * broadcasts c over the image as C constant channels beside the pixel (the first convolution
 * takes 1 + C channels); `'projection'` (Miyato & Koyama 2018) adds ⟨E c, φ(x)⟩ to the logit,
 * φ(x) the flattened features [n, 7·7·2w] that feed the output layer and E the layer `embed`
 * (C → 7·7·2w, no bias; spectrally normalised with `spectralNorm`).
 */
export class DcganDiscriminator extends Module implements PowerIterated {
  readonly width: number;
  readonly batchNorm: boolean;
  readonly spectralNorm: boolean;
  /** Columns of the condition after the 784 pixels of an input row (0: unconditional). */
  readonly conditionSize: number;
  /** How the condition enters; `null` for an unconditional critic. */
  readonly conditioning: GanConditioning | null;
  private readonly conv1: Conv2d;
  private readonly conv2: Conv2d;
  private readonly norm: BatchNorm | null;
  private readonly out: Dense;
  private readonly embed: Dense | null;
  private readonly activate = getActivation('leakyRelu');

  constructor(rng: Rng, options: DcganDiscriminatorOptions = {}) {
    super('discriminator');
    const { width = 32, batchNorm = false, spectralNorm = false, conditionSize = 0 } = options;
    this.width = width;
    this.batchNorm = batchNorm;
    this.spectralNorm = spectralNorm;
    this.conditionSize = conditionSize;
    this.conditioning = conditionSize > 0 ? (options.conditioning ?? 'projection') : null;
    const projection = this.conditioning === 'projection';
    // An unconditional critic keeps the three streams (and the initial weights) it always had.
    const rngs = rng.split(projection ? 4 : 3);
    const [r0, r1, r2] = rngs as [Rng, Rng, Rng];
    const Conv = spectralNorm ? SpectralConv2d : Conv2d;
    const Linear = spectralNorm ? SpectralDense : Dense;
    const conv = { kernelSize: 4, stride: 2, padding: 'same', activation: 'leakyRelu' } as const;
    this.conv1 = this.addModule(
      'conv1',
      new Conv({
        ...conv,
        inChannels: 1 + (this.conditioning === 'concat' ? conditionSize : 0),
        outChannels: width,
        rng: r0,
      }),
    );
    this.conv2 = this.addModule(
      'conv2',
      new Conv({
        ...conv,
        inChannels: width,
        outChannels: 2 * width,
        rng: r1,
        ...(batchNorm ? ({ activation: 'none', useBias: false } as const) : {}),
      }),
    );
    this.norm = batchNorm
      ? this.addModule('norm', new BatchNorm({ features: 2 * width, name: 'norm' }))
      : null;
    this.out = this.addModule(
      'out',
      new Linear({ inputSize: 7 * 7 * 2 * width, outputSize: 1, rng: r2 }),
    );
    this.embed = projection
      ? this.addModule(
          'embed',
          new Linear({
            inputSize: conditionSize,
            outputSize: 7 * 7 * 2 * width,
            useBias: false,
            rng: rngs[3]!,
          }),
        )
      : null;
  }

  /** One logit per row of `input: [n, 784 (+ conditionSize)]`: shape [n, 1]. */
  apply(input: tf.Tensor): tf.Tensor {
    this.assertLive('DcganDiscriminator.apply');
    return tf.tidy(() => {
      const [x, c] =
        this.conditionSize > 0
          ? (tf.split(input, [784, this.conditionSize], -1) as [tf.Tensor, tf.Tensor])
          : [input, undefined];
      const image = tf.reshape(x, [-1, 28, 28, 1]);
      const h0 =
        this.conditioning === 'concat' && c !== undefined
          ? tf.concat([image, conditionChannels(c)], -1)
          : image;
      const h1 = this.conv2.apply(this.conv1.apply(h0));
      const h = this.norm === null ? h1 : this.activate(this.norm.apply(h1));
      const phi = tf.reshape(h, [-1, 7 * 7 * 2 * this.width]);
      const out = this.out.apply(phi);
      if (this.embed === null || c === undefined) return out;
      return tf.add(out, tf.sum(tf.mul(this.embed.apply(c), phi), -1, true));
    });
  }

  /** One power-iteration step for every kernel (spectral normalisation only; else nothing). */
  powerIteration(): void {
    this.assertLive('DcganDiscriminator.powerIteration');
    const embed = this.embed === null ? [] : [this.embed];
    for (const layer of [this.conv1, this.conv2, this.out, ...embed]) {
      if (layer instanceof SpectralConv2d || layer instanceof SpectralDense) layer.powerIteration();
    }
  }
}

/** What {@link mlpPair} builds beyond the sizes. */
export interface MlpPairOptions {
  /** Columns of the condition (0: unconditional). */
  conditionSize: number;
  conditioning: 'projection' | 'concat';
  spectralNorm: boolean;
}

/**
 * Generator [z, c] → x and critic [x, c] → logit as leaky-ReLU MLPs (the usual toy-GAN pair).
 * The critic is an {@link Mlp} unless it is spectrally normalised or projection-conditioned,
 * then an {@link MlpCritic} with the same weight names and initial weights.
 */
export function mlpPair(
  dataSize: number,
  latentSize: number,
  hiddenSizes: readonly number[],
  rng: Rng,
  options: MlpPairOptions = { conditionSize: 0, conditioning: 'projection', spectralNorm: false },
): { generator: Mlp; discriminator: Mlp | MlpCritic } {
  const [g, d] = rng.split(2) as [Rng, Rng];
  const { conditionSize, conditioning, spectralNorm } = options;
  const common = { hiddenSizes, activation: 'leakyRelu' } as const;
  const projection = conditionSize > 0 && conditioning === 'projection';
  return {
    generator: new Mlp({
      ...common,
      inputSize: latentSize + conditionSize,
      outputSize: dataSize,
      rng: g,
      name: 'generator',
    }),
    discriminator:
      spectralNorm || projection
        ? new MlpCritic({
            dataSize,
            hiddenSizes,
            conditionSize,
            conditioning,
            spectralNorm,
            rng: d,
          })
        : new Mlp({
            ...common,
            inputSize: dataSize + conditionSize,
            outputSize: 1,
            rng: d,
            name: 'discriminator',
          }),
  };
}
