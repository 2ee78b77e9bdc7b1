import { assertFiniteTensor, assertInteger, invalidArgument, Rng } from '@gen/core';
import { Mlp, modelConfig, registerModel } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { ConvDecoder, ConvEncoder } from './conv.js';
import { outputFactor, parseLikelihood } from './likelihood.js';
import { VaeModel } from './vae-model.js';

import { asBatch, SHARED_KEYS, type VaeConvOptions, type VaeMlpOptions } from './vae-options.js';
import {
  assertCount,
  assertData,
  assertHiddenSizes,
  assertLayerSizes,
  assertNumbers,
  assertOptionKeys,
  ownedBy,
} from './validate.js';

/** Most latents `interpolate` and `traverse` decode in one call. */
const MAX_STEPS = 100_000;

export type { VaeConvOptions, VaeMlpOptions, VaeOptions } from './vae-options.js';

/**
 * Variational autoencoder (Kingma & Welling 2014) with the latent tools (reconstruct,
 * interpolate, traverse) and the factories {@link Vae.mlp} and {@link Vae.conv}; the objective,
 * bounds and training loss are those of {@link VaeModel}.
 */
export class Vae extends VaeModel {
  /** The mean of p(x|z) at the posterior mean z = μ(x): [n, ...dataShape]. */
  reconstruct(x: tf.Tensor): tf.Tensor {
    const fn = 'Vae.reconstruct';
    this.assertInput(fn, 'x', x);
    return tf.tidy(() => this.decodeUnchecked(fn, this.encodeUnchecked(fn, x).mean));
  }

  /**
   * Decodes the straight line between the posterior means of two examples (each [1, ...] or
   * unbatched data): z_t = (1 − t) μ(x1) + t μ(x2), t = 0, 1/(steps−1), …, 1 → [steps, ...].
   */
  interpolate(x1: tf.Tensor, x2: tf.Tensor, steps: number): tf.Tensor {
    const fn = 'Vae.interpolate';
    assertInteger(fn, 'steps', steps, 2, MAX_STEPS);
    return tf.tidy(() => {
      const a = this.encodeUnchecked(fn, this.oneExample(fn, 'x1', x1)).mean;
      const b = this.encodeUnchecked(fn, this.oneExample(fn, 'x2', x2)).mean;
      const t = tf.reshape(tf.linspace(0, 1, steps), [steps, 1]);
      return this.decodeUnchecked(fn, tf.add(tf.mul(tf.sub(1, t), a), tf.mul(t, b)));
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
    if (values.length > MAX_STEPS) {
      throw invalidArgument(fn, 'values', values, `must hold at most ${MAX_STEPS} values`);
    }
    return tf.tidy(() => {
      const mu = this.encodeUnchecked(fn, this.oneExample(fn, 'x', x)).mean;
      // Built on the host: tf.oneHot needs a depth of at least 2, and a latent may be 1-D.
      const unit = Array.from({ length: this.latentSize }, (_, i) => (i === dim ? 1 : 0));
      const mask = tf.tensor2d(unit, [1, this.latentSize]);
      const z = tf.add(
        tf.mul(tf.tile(mu, [values.length, 1]), tf.sub(1, mask)),
        tf.mul(tf.tensor2d([...values], [values.length, 1]), mask),
      );
      return this.decodeUnchecked(fn, z);
    });
  }

  /** Shape and finite values of data given to `fn` (not a density: grey levels are fine). */
  private assertInput(fn: string, arg: string, x: unknown): asserts x is tf.Tensor {
    assertData(fn, arg, x, this.dataShape);
    assertFiniteTensor(fn, arg, x);
  }

  /** One example as a batch of one (see `asBatch`), checked like {@link assertInput}. */
  private oneExample(fn: string, arg: string, x: unknown): tf.Tensor {
    const batch = asBatch(fn, arg, x);
    this.assertInput(fn, arg, batch);
    return batch;
  }

  /**
   * A VAE with MLP encoder x → hidden → [μ, ρ] and decoder z → reversed hidden → x
   * (ReLU hidden layers), e.g. the 784-500-500-50 model of Burda et al. on binarised MNIST.
   */
  static mlp(options: VaeMlpOptions): Vae {
    const fn = 'Vae.mlp';
    const known = ['inputSize', 'hiddenSizes', 'latentSize', 'likelihood', 'seed', ...SHARED_KEYS];
    assertOptionKeys(fn, options, known);
    const { inputSize, hiddenSizes, latentSize, likelihood, seed = 0, ...rest } = options;
    const parsed = parseLikelihood(fn, likelihood);
    assertCount(fn, 'inputSize', inputSize);
    assertCount(fn, 'latentSize', latentSize);
    assertInteger(fn, 'seed', seed, 0);
    assertHiddenSizes(fn, hiddenSizes);
    assertLayerSizes(fn, [inputSize, ...hiddenSizes, 2 * latentSize]);
    assertLayerSizes(fn, [latentSize, ...[...hiddenSizes].reverse(), 2 * inputSize]);
    validateShared(fn, rest);
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
    const vae = ownedBy(
      fn,
      [encoder, decoder],
      () =>
        new Vae({
          encoder,
          decoder,
          latentSize,
          likelihood: parsed,
          dataShape: [inputSize],
          ...rest,
        }),
    );
    vae.config = modelConfig('@gen/vae', 'Vae', 'mlp', options);
    return vae;
  }

  /**
   * A convolutional VAE for [n, 28, 28, channels] images: two stride-2 convolutions (32, 64
   * channels) and a dense head in the encoder, a dense layer and two stride-2 transposed
   * convolutions in the decoder.
   */
  static conv(options: VaeConvOptions): Vae {
    const fn = 'Vae.conv';
    assertOptionKeys(fn, options, ['latentSize', 'likelihood', 'channels', 'seed', ...SHARED_KEYS]);
    const { latentSize, likelihood, channels = 1, seed = 0, ...rest } = options;
    const parsed = parseLikelihood(fn, likelihood);
    assertCount(fn, 'latentSize', latentSize);
    assertCount(fn, 'channels', channels);
    assertInteger(fn, 'seed', seed, 0);
    assertLayerSizes(fn, [7 * 7 * 64, 2 * latentSize]);
    assertLayerSizes(fn, [latentSize, 7 * 7 * 64]);
    if (channels > 1024) throw invalidArgument(fn, 'channels', channels, 'must be <= 1024');
    validateShared(fn, rest);
    const [re, rd] = Rng.fromSeed(seed).split(2) as [Rng, Rng];
    const encoder = new ConvEncoder({ channels, outputSize: 2 * latentSize, rng: re });
    const decoder = new ConvDecoder({
      latentSize,
      channels: channels * outputFactor(parsed),
      rng: rd,
    });
    const vae = ownedBy(
      fn,
      [encoder, decoder],
      () =>
        new Vae({
          encoder,
          decoder,
          latentSize,
          likelihood: parsed,
          dataShape: [28, 28, channels],
          ...rest,
        }),
    );
    vae.config = modelConfig('@gen/vae', 'Vae', 'conv', options);
    return vae;
  }
}

/**
 * Checks the options a factory passes on before any weight exists, so that a bad one is reported
 * under the factory's name and nothing is allocated.
 */
function validateShared(fn: string, o: Record<string, unknown>): void {
  const { beta = 1, klMethod = 'analytic', samples = 1 } = o;
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta < 0) {
    throw invalidArgument(fn, 'beta', beta, 'must be a finite number >= 0');
  }
  if (klMethod !== 'analytic' && klMethod !== 'monte-carlo') {
    throw invalidArgument(fn, 'klMethod', klMethod, "must be 'analytic' or 'monte-carlo'");
  }
  assertCount(fn, 'samples', samples);
}

registerModel('@gen/vae', 'Vae', {
  mlp: (options) => Vae.mlp(options as unknown as VaeMlpOptions),
  conv: (options) => Vae.conv(options as unknown as VaeConvOptions),
});
