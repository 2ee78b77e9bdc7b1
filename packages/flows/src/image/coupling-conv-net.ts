import type { Rng } from '@gen/core';
import { type Activation, Conv2d, Module } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The built-in conditioner of `ConvAffineCoupling` (RealNVP/Glow): a 3×3 convolution, the
 * activation, a 1×1 convolution, the activation, and a zero-initialised 3×3 convolution, all
 * 'same' padded, `[n, h, w, in]` → `[n, h, w, out]`. The last layer starting at zero makes a new
 * coupling layer the identity (Glow's `Conv2dZeros`). Weights `conditioner/conv0/kernel`, ….
 */
export class CouplingConvNet extends Module {
  private readonly layers: readonly Conv2d[];

  constructor(options: {
    inChannels: number;
    hiddenChannels: number;
    outChannels: number;
    activation: Activation;
    rng: Rng;
  }) {
    super('conditioner');
    const { inChannels, hiddenChannels, outChannels, activation, rng } = options;
    this.layers = [
      new Conv2d({ inChannels, outChannels: hiddenChannels, kernelSize: 3, activation, rng }),
      new Conv2d({
        inChannels: hiddenChannels,
        outChannels: hiddenChannels,
        kernelSize: 1,
        activation,
        rng,
      }),
      new Conv2d({
        inChannels: hiddenChannels,
        outChannels,
        kernelSize: 3,
        kernelInitializer: 'zeros',
        rng,
      }),
    ].map((layer, i) => this.addModule(`conv${i}`, layer));
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.layers.reduce((h, layer) => layer.apply(h), x));
  }
}
