import { assertInteger, invalidArgument, Rng } from '@gen/core';
import { Mlp } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { ConvDecoder, ConvEncoder } from './conv.js';
import { outputFactor, parseLikelihood } from './likelihood.js';
import { VaeModel } from './vae-model.js';

import { asBatch, type VaeConvOptions, type VaeMlpOptions } from './vae-options.js';
import { assertCount, assertNumbers } from './validate.js';

export type { VaeConvOptions, VaeMlpOptions, VaeOptions } from './vae-options.js';

/**
 * Variational autoencoder (Kingma & Welling 2014) with the latent tools (reconstruct,
 * interpolate, traverse) and the factories {@link Vae.mlp} and {@link Vae.conv}; the objective,
 * bounds and training loss are those of {@link VaeModel}.
 */
export class Vae extends VaeModel {
  /** The mean of p(x|z) at the posterior mean z = μ(x): [n, ...dataShape]. */
  reconstruct(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.decode(this.encode(x).mean));
  }

  /**
   * Decodes the straight line between the posterior means of two examples (each [1, ...] or
   * unbatched data): z_t = (1 − t) μ(x1) + t μ(x2), t = 0, 1/(steps−1), …, 1 → [steps, ...].
   */
  interpolate(x1: tf.Tensor, x2: tf.Tensor, steps: number): tf.Tensor {
    assertCount('Vae.interpolate', 'steps', steps);
    if (steps < 2) throw invalidArgument('Vae.interpolate', 'steps', steps, 'must be >= 2');
    return tf.tidy(() => {
      const a = this.encode(asBatch('Vae.interpolate', 'x1', x1)).mean;
      const b = this.encode(asBatch('Vae.interpolate', 'x2', x2)).mean;
      const t = tf.reshape(tf.linspace(0, 1, steps), [steps, 1]);
      return this.decode(tf.add(tf.mul(tf.sub(1, t), a), tf.mul(t, b)));
    });
  }

  /**
   * Latent traversal: keeps the posterior mean μ(x) of one example and sets coordinate `dim` to
   * each of `values` in turn, decoding [values.length, ...dataShape].
   */
  traverse(x: tf.Tensor, dim: number, values: readonly number[]): tf.Tensor {
    const fn = 'Vae.traverse';
    assertInteger(fn, 'dim', dim, 0, this.latentSize - 1);
    assertNumbers(fn, 'values', values);
    return tf.tidy(() => {
      const mu = this.encode(asBatch(fn, 'x', x)).mean;
      const mask = tf.reshape(tf.oneHot([dim], this.latentSize), [1, this.latentSize]);
      const z = tf.add(
        tf.mul(tf.tile(mu, [values.length, 1]), tf.sub(1, mask)),
        tf.mul(tf.tensor2d([...values], [values.length, 1]), mask),
      );
      return this.decode(z);
    });
  }

  /**
   * A VAE with MLP encoder x → hidden → [μ, ρ] and decoder z → reversed hidden → x
   * (ReLU hidden layers), e.g. the 784-500-500-50 model of Burda et al. on binarised MNIST.
   */
  static mlp(options: VaeMlpOptions): Vae {
    const { inputSize, hiddenSizes, latentSize, likelihood, seed = 0, ...rest } = options;
    const parsed = parseLikelihood('Vae.mlp', likelihood);
    assertCount('Vae.mlp', 'inputSize', inputSize);
    assertCount('Vae.mlp', 'latentSize', latentSize);
    const [re, rd] = Rng.fromSeed(seed).split(2) as [Rng, Rng];
    const encoder = new Mlp({
      inputSize,
      hiddenSizes,
      outputSize: 2 * latentSize,
      rng: re,
      name: 'encoder',
    });
    const decoder = new Mlp({
      inputSize: latentSize,
      hiddenSizes: [...hiddenSizes].reverse(),
      outputSize: inputSize * outputFactor(parsed),
      rng: rd,
      name: 'decoder',
    });
    return new Vae({ encoder, decoder, latentSize, likelihood: parsed, ...rest });
  }

  /**
   * A convolutional VAE for [n, 28, 28, channels] images: two stride-2 convolutions (32, 64
   * channels) and a dense head in the encoder, a dense layer and two stride-2 transposed
   * convolutions in the decoder.
   */
  static conv(options: VaeConvOptions): Vae {
    const { latentSize, likelihood, channels = 1, seed = 0, ...rest } = options;
    const parsed = parseLikelihood('Vae.conv', likelihood);
    assertCount('Vae.conv', 'latentSize', latentSize);
    assertCount('Vae.conv', 'channels', channels);
    const [re, rd] = Rng.fromSeed(seed).split(2) as [Rng, Rng];
    const encoder = new ConvEncoder({ channels, outputSize: 2 * latentSize, rng: re });
    const decoder = new ConvDecoder({
      latentSize,
      channels: channels * outputFactor(parsed),
      rng: rd,
    });
    return new Vae({ encoder, decoder, latentSize, likelihood: parsed, ...rest });
  }
}
