import type { Rng } from '@gen/core';
import { Conv2d, Conv2dTranspose, Dense, Module } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Encoder for [n, 28, 28, c] images: conv 4×4/2 (32) → conv 4×4/2 (64) → flatten (7·7·64) →
 * dense(outputSize), ReLU between layers.
 */
export class ConvEncoder extends Module {
  private readonly c1: Conv2d;
  private readonly c2: Conv2d;
  private readonly head: Dense;

  constructor(o: { channels: number; outputSize: number; rng: Rng; name?: string }) {
    super(o.name ?? 'encoder');
    const [r1, r2, r3] = o.rng.split(3) as [Rng, Rng, Rng];
    const conv = { kernelSize: 4, stride: 2, padding: 'same', activation: 'relu' } as const;
    this.c1 = this.addModule(
      'conv0',
      new Conv2d({ inChannels: o.channels, outChannels: 32, rng: r1, name: 'conv0', ...conv }),
    );
    this.c2 = this.addModule(
      'conv1',
      new Conv2d({ inChannels: 32, outChannels: 64, rng: r2, name: 'conv1', ...conv }),
    );
    this.head = this.addModule(
      'dense',
      new Dense({ inputSize: 7 * 7 * 64, outputSize: o.outputSize, rng: r3, name: 'dense' }),
    );
  }

  apply(x: tf.Tensor): tf.Tensor {
    this.assertLive('ConvEncoder.apply');
    return tf.tidy(() => {
      const h = this.c2.apply(this.c1.apply(x));
      return this.head.apply(tf.reshape(h, [h.shape[0]!, -1]));
    });
  }
}

/**
 * Decoder z: [m, L] → dense(7·7·64) → [m, 7, 7, 64] → transposed conv 4×4/2 (32) →
 * transposed conv 4×4/2 (channels): [m, 28, 28, channels] (logits or means, no activation).
 */
export class ConvDecoder extends Module {
  private readonly fc: Dense;
  private readonly t1: Conv2dTranspose;
  private readonly t2: Conv2dTranspose;

  constructor(o: { latentSize: number; channels: number; rng: Rng; name?: string }) {
    super(o.name ?? 'decoder');
    const [r1, r2, r3] = o.rng.split(3) as [Rng, Rng, Rng];
    const up = { kernelSize: 4, stride: 2, padding: 'same' } as const;
    this.fc = this.addModule(
      'dense',
      new Dense({
        inputSize: o.latentSize,
        outputSize: 7 * 7 * 64,
        activation: 'relu',
        rng: r1,
        name: 'dense',
      }),
    );
    this.t1 = this.addModule(
      'deconv0',
      new Conv2dTranspose({
        inChannels: 64,
        outChannels: 32,
        activation: 'relu',
        rng: r2,
        name: 'deconv0',
        ...up,
      }),
    );
    this.t2 = this.addModule(
      'deconv1',
      new Conv2dTranspose({
        inChannels: 32,
        outChannels: o.channels,
        rng: r3,
        name: 'deconv1',
        ...up,
      }),
    );
  }

  apply(z: tf.Tensor): tf.Tensor {
    this.assertLive('ConvDecoder.apply');
    return tf.tidy(() => {
      const h = tf.reshape(this.fc.apply(z), [z.shape[0]!, 7, 7, 64]);
      return this.t2.apply(this.t1.apply(h));
    });
  }
}
