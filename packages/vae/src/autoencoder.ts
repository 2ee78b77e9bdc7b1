import {
  assertInteger,
  assertNetwork,
  assertRng,
  invalidArgument,
  type NamedTensors,
  type Network,
  Rng,
  type Trainable,
} from '@gen/core';
import { Mlp, NetworkParts } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { ConvDecoder, ConvEncoder } from './conv.js';
import { assertCount, assertData, assertOptionKeys } from './validate.js';

/** Input corruption of a denoising autoencoder: x̃ = x + σε, or x̃ = x·m with m ~ Bernoulli(1 − rate). */
export type Corruption = { type: 'gaussian'; std: number } | { type: 'mask'; rate: number };

export interface AutoencoderOptions {
  /** Maps x: [n, ...dataShape] to codes [n, latentSize]; any `Network`. */
  encoder: Network;
  /** Maps codes back to [n, ...dataShape] (logits for 'bernoulli', values for 'mse'). */
  decoder: Network;
  /** 'mse': mean over the data of (x̂ − x)²; 'bernoulli': binary cross-entropy in logit space. */
  loss?: 'mse' | 'bernoulli';
  /** Corrupt the input during training (denoising autoencoder); the noise comes from `loss`'s rng. */
  noise?: Corruption;
  /**
   * @deprecated Ignored: the corruption noise comes from the `rng` of `loss(batch, rng)`.
   * Accepted so that existing calls keep working.
   */
  seed?: number;
}

/** Options of `Autoencoder.mlp`. */
export type AutoencoderMlpOptions = {
  inputSize: number;
  hiddenSizes: readonly number[];
  latentSize: number;
  /** Seed of the initial weights (default 0). */
  seed?: number;
} & Omit<AutoencoderOptions, 'encoder' | 'decoder' | 'seed'>;

/** Options of `Autoencoder.conv`. */
export type AutoencoderConvOptions = {
  latentSize: number;
  channels?: number;
  /** Seed of the initial weights (default 0). */
  seed?: number;
} & Omit<AutoencoderOptions, 'encoder' | 'decoder' | 'seed'>;

const KEYS = ['encoder', 'decoder', 'loss', 'noise', 'seed'];

/**
 * Deterministic autoencoder x → z = f(x) → x̂ = g(z), trained to minimise a reconstruction loss
 * per example: MSE (1/D) Σ (x̂ − x)² or the Bernoulli negative log-likelihood
 * Σ softplus(ℓ) − xℓ of logits ℓ (binary cross-entropy, computed stably from logits). The encoder
 * and decoder are any two `Network`s. A `Trainable` (not a generative model: it has no `sample`),
 * so `fit` from @gen/train trains it as it is.
 */
export class Autoencoder implements Trainable {
  readonly encoder: Network;
  readonly decoder: Network;
  readonly lossType: 'mse' | 'bernoulli';
  readonly noise: Corruption | null;
  private readonly weights: NetworkParts;

  constructor(options: AutoencoderOptions) {
    const fn = 'Autoencoder';
    assertOptionKeys(fn, options, KEYS);
    const { encoder, decoder, loss = 'mse', noise } = options;
    assertNetwork(fn, 'encoder', encoder);
    assertNetwork(fn, 'decoder', decoder);
    if (encoder === decoder) {
      throw invalidArgument(fn, 'decoder', decoder, 'must be a network other than the encoder');
    }
    if (options.seed !== undefined) assertInteger(fn, 'seed', options.seed, 0);
    if (loss !== 'mse' && loss !== 'bernoulli') {
      throw invalidArgument(fn, 'loss', loss, "must be 'mse' or 'bernoulli'");
    }
    if (noise !== undefined) {
      const v = noise.type === 'gaussian' ? noise.std : noise.type === 'mask' ? noise.rate : NaN;
      const ok = noise.type === 'gaussian' ? v >= 0 && Number.isFinite(v) : v >= 0 && v < 1;
      if (!ok)
        throw invalidArgument(
          fn,
          'noise',
          noise,
          "must be { type: 'gaussian', std >= 0 } or { type: 'mask', rate in [0, 1) }",
        );
    }
    this.encoder = encoder;
    this.decoder = decoder;
    this.lossType = loss;
    this.noise = noise ?? null;
    this.weights = new NetworkParts(fn, { encoder, decoder }, { keepPrefixed: true });
  }

  get trainableVariables(): tf.Variable[] {
    return [...this.encoder.trainableVariables, ...this.decoder.trainableVariables];
  }

  /** Codes z = f(x). */
  encode(x: tf.Tensor): tf.Tensor {
    assertData('Autoencoder.encode', 'x', x);
    return this.encoder.apply(x);
  }

  /** x̂ = g(z), mapped to data space (sigmoid of the logits for 'bernoulli'). */
  decode(z: tf.Tensor): tf.Tensor {
    assertData('Autoencoder.decode', 'z', z);
    return tf.tidy(() => {
      const out = this.decoder.apply(z);
      return this.lossType === 'bernoulli' ? tf.sigmoid(out) : out;
    });
  }

  reconstruct(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.decode(this.encode(x)));
  }

  /** The corrupted input x̃ (x itself, cloned, without `noise`), drawn from `rng`. */
  corrupt(x: tf.Tensor, rng: Rng): tf.Tensor {
    assertData('Autoencoder.corrupt', 'x', x);
    assertRng('Autoencoder.corrupt', 'rng', rng);
    return tf.tidy(() => {
      if (this.noise === null) return tf.clone(x);
      if (this.noise.type === 'gaussian') return tf.add(x, rng.normal(x.shape, 0, this.noise.std));
      const keep = tf.cast(tf.greaterEqual(rng.uniform(x.shape), this.noise.rate), 'float32');
      return tf.mul(x, keep);
    });
  }

  /** Reconstruction loss per example, [n], of x from x (no corruption). */
  reconstructionLoss(x: tf.Tensor, input: tf.Tensor = x): tf.Tensor {
    assertData('Autoencoder.reconstructionLoss', 'x', x);
    return tf.tidy(() => {
      const out = this.decoder.apply(this.encoder.apply(input));
      const axes = x.shape.slice(1).map((_, i) => i + 1);
      if (this.lossType === 'mse') return tf.mean(tf.squaredDifference(out, x), axes);
      return tf.sum(tf.sub(tf.softplus(out), tf.mul(x, out)), axes);
    });
  }

  /**
   * Batch mean of the reconstruction loss of x from its corruption x̃ (denoising), with the
   * corruption drawn from `rng` (required, as every `Trainable`'s loss takes it, even without
   * `noise`).
   */
  loss(batch: tf.Tensor, rng: Rng): tf.Scalar {
    assertData('Autoencoder.loss', 'batch', batch);
    assertRng('Autoencoder.loss', 'rng', rng);
    return tf.tidy(
      () => tf.mean(this.reconstructionLoss(batch, this.corrupt(batch, rng))) as tf.Scalar,
    );
  }

  /**
   * Copies of both networks' weights: the encoder's under `encoder/`, the decoder's under
   * `decoder/` (a name that already starts with that prefix is kept as it is).
   */
  getWeights(): NamedTensors {
    return this.weights.get();
  }

  /** Assigns both networks from `getWeights()`-style names; nothing changes unless all match. */
  setWeights(weights: NamedTensors): void {
    this.weights.set('Autoencoder.setWeights', weights);
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
  }

  /** Dense autoencoder inputSize → hiddenSizes → latentSize → reversed hiddenSizes → inputSize. */
  static mlp(o: AutoencoderMlpOptions): Autoencoder {
    const { inputSize, hiddenSizes, latentSize, seed = 0, ...rest } = o;
    assertCount('Autoencoder.mlp', 'latentSize', latentSize);
    const [re, rd] = Rng.fromSeed(seed).split(2) as [Rng, Rng];
    const encoder = new Mlp({
      inputSize,
      hiddenSizes,
      outputSize: latentSize,
      rng: re,
      name: 'encoder',
    });
    const decoder = new Mlp({
      inputSize: latentSize,
      hiddenSizes: [...hiddenSizes].reverse(),
      outputSize: inputSize,
      rng: rd,
      name: 'decoder',
    });
    return new Autoencoder({ encoder, decoder, ...rest });
  }

  /** Convolutional autoencoder for [n, 28, 28, channels] images (transposed-convolution decoder). */
  static conv(o: AutoencoderConvOptions): Autoencoder {
    const { latentSize, channels = 1, seed = 0, ...rest } = o;
    assertCount('Autoencoder.conv', 'latentSize', latentSize);
    const [re, rd] = Rng.fromSeed(seed).split(2) as [Rng, Rng];
    const encoder = new ConvEncoder({ channels, outputSize: latentSize, rng: re });
    const decoder = new ConvDecoder({ latentSize, channels, rng: rd });
    return new Autoencoder({ encoder, decoder, ...rest });
  }
}
