import type { Rng } from '@gen/core';
import { BatchNorm, Conv2d, Conv2dTranspose, Dense, Mlp, Module } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';

/** Sizes of the DCGAN pair (see `Gan.dcgan`). */
export interface DcganNetworkOptions {
  /**
   * Channels of the generator's last hidden layer and of the discriminator's first; the layers
   * next to them have twice as many (default 32).
   */
  width?: number;
  /** Batch normalisation before each hidden ReLU of the generator (default false). */
  batchNorm?: boolean;
}

/**
 * DCGAN-style generator for 28 × 28 × 1 images (Radford et al. 2016, scaled down), w = `width`:
 * z → Dense(7·7·2w, relu) → reshape [7, 7, 2w] → ConvT(w, 4×4, stride 2, relu) [14, 14, w]
 * → ConvT(1, 4×4, stride 2, sigmoid) [28, 28, 1] → flatten to [n, 784] pixels in (0, 1).
 * With `batchNorm`, each hidden layer is linear (no bias), then {@link BatchNorm}, then ReLU, as
 * in the paper's generator; in inference mode (`setTraining(false)`, which `Gan.sample` sets)
 * the running statistics replace the batch ones.
 */
export class DcganGenerator extends Module {
  readonly width: number;
  readonly batchNorm: boolean;
  private readonly dense: Dense;
  private readonly up1: Conv2dTranspose;
  private readonly up2: Conv2dTranspose;
  private readonly norms: readonly [BatchNorm, BatchNorm] | null;

  constructor(latentSize: number, rng: Rng, options: DcganNetworkOptions = {}) {
    super('generator');
    const { width = 32, batchNorm = false } = options;
    this.width = width;
    this.batchNorm = batchNorm;
    const [r0, r1, r2] = rng.split(3) as [Rng, Rng, Rng];
    // Batch normalisation subtracts the mean, so a bias before it would do nothing.
    const hidden = batchNorm
      ? ({ activation: 'none', useBias: false } as const)
      : ({ activation: 'relu' } as const);
    this.dense = this.addModule(
      'dense',
      new Dense({ inputSize: latentSize, outputSize: 7 * 7 * 2 * width, ...hidden, rng: r0 }),
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
 * DCGAN-style discriminator, w = `width`: [n, 784] → [28, 28, 1] → Conv(w, 4×4, stride 2,
 * leakyRelu) [14, 14, w] → Conv(2w, 4×4, stride 2, leakyRelu) [7, 7, 2w] → Dense(1): one logit
 * per image. No batch normalisation: `Gan` runs it once over real and fake examples together.
 */
export class DcganDiscriminator extends Module {
  readonly width: number;
  private readonly conv1: Conv2d;
  private readonly conv2: Conv2d;
  private readonly out: Dense;

  constructor(rng: Rng, options: Pick<DcganNetworkOptions, 'width'> = {}) {
    super('discriminator');
    const { width = 32 } = options;
    this.width = width;
    const [r0, r1, r2] = rng.split(3) as [Rng, Rng, Rng];
    const conv = { kernelSize: 4, stride: 2, padding: 'same', activation: 'leakyRelu' } as const;
    this.conv1 = this.addModule(
      'conv1',
      new Conv2d({ ...conv, inChannels: 1, outChannels: width, rng: r0 }),
    );
    this.conv2 = this.addModule(
      'conv2',
      new Conv2d({ ...conv, inChannels: width, outChannels: 2 * width, rng: r1 }),
    );
    this.out = this.addModule(
      'out',
      new Dense({ inputSize: 7 * 7 * 2 * width, outputSize: 1, rng: r2 }),
    );
  }

  apply(x: tf.Tensor): tf.Tensor {
    this.assertLive('DcganDiscriminator.apply');
    return tf.tidy(() => {
      const h = this.conv2.apply(this.conv1.apply(tf.reshape(x, [-1, 28, 28, 1])));
      return this.out.apply(tf.reshape(h, [-1, 7 * 7 * 2 * this.width]));
    });
  }
}

/** Generator z → x and critic x → logit as leaky-ReLU MLPs (the usual toy-GAN pair). */
export function mlpPair(
  dataSize: number,
  latentSize: number,
  hiddenSizes: readonly number[],
  rng: Rng,
): { generator: Mlp; discriminator: Mlp } {
  const [g, d] = rng.split(2) as [Rng, Rng];
  const common = { hiddenSizes, activation: 'leakyRelu' } as const;
  return {
    generator: new Mlp({
      ...common,
      inputSize: latentSize,
      outputSize: dataSize,
      rng: g,
      name: 'generator',
    }),
    discriminator: new Mlp({
      ...common,
      inputSize: dataSize,
      outputSize: 1,
      rng: d,
      name: 'discriminator',
    }),
  };
}
