import type { Rng } from '@gen/core';
import { Conv2d, Conv2dTranspose, Dense, Mlp, Module } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';

/**
 * DCGAN-style generator for 28 × 28 × 1 images (Radford et al. 2016, scaled down):
 * z → Dense(7·7·64, relu) → reshape [7, 7, 64] → ConvT(32, 4×4, stride 2, relu) [14, 14, 32]
 * → ConvT(1, 4×4, stride 2, sigmoid) [28, 28, 1] → flatten to [n, 784] pixels in (0, 1).
 */
export class DcganGenerator extends Module {
  private readonly dense: Dense;
  private readonly up1: Conv2dTranspose;
  private readonly up2: Conv2dTranspose;

  constructor(latentSize: number, rng: Rng) {
    super('generator');
    const [r0, r1, r2] = rng.split(3) as [Rng, Rng, Rng];
    this.dense = this.addModule(
      'dense',
      new Dense({ inputSize: latentSize, outputSize: 7 * 7 * 64, activation: 'relu', rng: r0 }),
    );
    const conv = { kernelSize: 4, stride: 2, padding: 'same' } as const;
    this.up1 = this.addModule(
      'up1',
      new Conv2dTranspose({
        ...conv,
        inChannels: 64,
        outChannels: 32,
        activation: 'relu',
        rng: r1,
      }),
    );
    this.up2 = this.addModule(
      'up2',
      new Conv2dTranspose({
        ...conv,
        inChannels: 32,
        outChannels: 1,
        activation: 'sigmoid',
        rng: r2,
      }),
    );
  }

  apply(z: tf.Tensor): tf.Tensor {
    this.assertLive('DcganGenerator.apply');
    return tf.tidy(() => {
      const h = tf.reshape(this.dense.apply(z), [-1, 7, 7, 64]);
      return tf.reshape(this.up2.apply(this.up1.apply(h)), [-1, 784]);
    });
  }
}

/**
 * DCGAN-style discriminator: [n, 784] → [28, 28, 1] → Conv(32, 4×4, stride 2, leakyRelu)
 * [14, 14, 32] → Conv(64, 4×4, stride 2, leakyRelu) [7, 7, 64] → Dense(1): one logit per image.
 */
export class DcganDiscriminator extends Module {
  private readonly conv1: Conv2d;
  private readonly conv2: Conv2d;
  private readonly out: Dense;

  constructor(rng: Rng) {
    super('discriminator');
    const [r0, r1, r2] = rng.split(3) as [Rng, Rng, Rng];
    const conv = { kernelSize: 4, stride: 2, padding: 'same', activation: 'leakyRelu' } as const;
    this.conv1 = this.addModule(
      'conv1',
      new Conv2d({ ...conv, inChannels: 1, outChannels: 32, rng: r0 }),
    );
    this.conv2 = this.addModule(
      'conv2',
      new Conv2d({ ...conv, inChannels: 32, outChannels: 64, rng: r1 }),
    );
    this.out = this.addModule('out', new Dense({ inputSize: 7 * 7 * 64, outputSize: 1, rng: r2 }));
  }

  apply(x: tf.Tensor): tf.Tensor {
    this.assertLive('DcganDiscriminator.apply');
    return tf.tidy(() => {
      const h = this.conv2.apply(this.conv1.apply(tf.reshape(x, [-1, 28, 28, 1])));
      return this.out.apply(tf.reshape(h, [-1, 7 * 7 * 64]));
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
