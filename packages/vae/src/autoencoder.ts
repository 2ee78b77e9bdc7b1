import {
  assertFiniteTensor,
  assertInteger,
  assertNetwork,
  assertRng,
  invalidArgument,
  type NamedTensors,
  type Network,
  Rng,
  ShapeMismatchError,
  type Trainable,
} from '@gen/core';
import { Mlp, type ModelConfig, modelConfig, NetworkParts, registerModel } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { ConvDecoder, ConvEncoder } from './conv.js';
import {
  applyNetwork,
  assertCount,
  assertData,
  assertHiddenSizes,
  assertLayerSizes,
  assertOptionKeys,
  ownedBy,
} from './validate.js';

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
  private config: ModelConfig;

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
      if (noise === null || typeof noise !== 'object') {
        throw invalidArgument(
          fn,
          'noise',
          noise,
          "must be { type: 'gaussian', std } or { type: 'mask', rate }",
        );
      }
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
    // Networks given by the caller have no config: the model saves but does not rebuild.
    this.config = modelConfig('@gen/vae', 'Autoencoder', 'new', options);
  }

  /**
   * How `loadModel` from @gen/nn rebuilds this autoencoder: the factory (`mlp`, `conv`) and its
   * options; `factory` is `null` for one built from your own networks (load it with `{ into }`).
   */
  toConfig(): ModelConfig {
    return structuredClone(this.config);
  }

  get trainableVariables(): tf.Variable[] {
    return [...this.encoder.trainableVariables, ...this.decoder.trainableVariables];
  }

  /** Codes z = f(x). */
  encode(x: tf.Tensor): tf.Tensor {
    const fn = 'Autoencoder.encode';
    assertData(fn, 'x', x);
    assertFiniteTensor(fn, 'x', x);
    return applyNetwork(fn, 'encoder', (h) => this.encoder.apply(h), x);
  }

  /** x̂ = g(z), mapped to data space (sigmoid of the logits for 'bernoulli'). */
  decode(z: tf.Tensor): tf.Tensor {
    const fn = 'Autoencoder.decode';
    assertData(fn, 'z', z);
    assertFiniteTensor(fn, 'z', z);
    return tf.tidy(() => {
      const out = applyNetwork(fn, 'decoder', (h) => this.decoder.apply(h), z);
      return this.lossType === 'bernoulli' ? tf.sigmoid(out) : out;
    });
  }

  reconstruct(x: tf.Tensor): tf.Tensor {
    const fn = 'Autoencoder.reconstruct';
    assertData(fn, 'x', x);
    assertFiniteTensor(fn, 'x', x);
    return tf.tidy(() => {
      const out = this.network(fn, x);
      return this.lossType === 'bernoulli' ? tf.sigmoid(out) : out;
    });
  }

  /** The corrupted input x̃ (x itself, cloned, without `noise`), drawn from `rng`. */
  corrupt(x: tf.Tensor, rng: Rng): tf.Tensor {
    assertData('Autoencoder.corrupt', 'x', x);
    assertFiniteTensor('Autoencoder.corrupt', 'x', x);
    assertRng('Autoencoder.corrupt', 'rng', rng);
    return tf.tidy(() => {
      if (this.noise === null) return tf.clone(x);
      if (this.noise.type === 'gaussian') return tf.add(x, rng.normal(x.shape, 0, this.noise.std));
      const keep = tf.cast(tf.greaterEqual(rng.uniform(x.shape), this.noise.rate), 'float32');
      return tf.mul(x, keep);
    });
  }

  /**
   * Reconstruction loss per example, [n], of x from `input` (x itself by default: no corruption).
   * NaN or ±Inf in x or the input are refused (see @gen/core's `withoutFiniteChecks`). The
   * 'bernoulli' loss is a binary cross-entropy that also takes grey levels in [0, 1] as targets.
   */
  reconstructionLoss(x: tf.Tensor, input: tf.Tensor = x): tf.Tensor {
    const fn = 'Autoencoder.reconstructionLoss';
    assertData(fn, 'x', x);
    assertFiniteTensor(fn, 'x', x);
    if (input !== x) {
      assertData(fn, 'input', input);
      assertFiniteTensor(fn, 'input', input);
    }
    return this.lossPerExample(fn, x, input);
  }

  /** The encoder then the decoder on `x`, errors named after the public method `fn`. */
  private network(fn: string, x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const z = applyNetwork(fn, 'encoder', (h) => this.encoder.apply(h), x);
      return applyNetwork(fn, 'decoder', (h) => this.decoder.apply(h), z);
    });
  }

  private lossPerExample(fn: string, x: tf.Tensor, input: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const out = this.network(fn, input);
      if (!tf.util.arraysEqual(out.shape, x.shape)) {
        throw new ShapeMismatchError(
          `${fn}: the autoencoder maps the input to [${out.shape.join(', ')}] but the data has shape [${x.shape.join(', ')}]`,
        );
      }
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
    const fn = 'Autoencoder.loss';
    assertData(fn, 'batch', batch);
    assertFiniteTensor(fn, 'batch', batch);
    assertRng(fn, 'rng', rng);
    return tf.tidy(
      () => tf.mean(this.lossPerExample(fn, batch, this.corrupt(batch, rng))) as tf.Scalar,
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
    const fn = 'Autoencoder.mlp';
    assertOptionKeys(fn, o, ['inputSize', 'hiddenSizes', 'latentSize', 'seed', 'loss', 'noise']);
    const { inputSize, hiddenSizes, latentSize, seed = 0, ...rest } = o;
    assertCount(fn, 'inputSize', inputSize);
    assertCount(fn, 'latentSize', latentSize);
    assertInteger(fn, 'seed', seed, 0);
    assertHiddenSizes(fn, hiddenSizes);
    assertLayerSizes(fn, [inputSize, ...hiddenSizes, latentSize]);
    assertLayerSizes(fn, [latentSize, ...[...hiddenSizes].reverse(), inputSize]);
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
    const ae = ownedBy(
      fn,
      [encoder, decoder],
      () => new Autoencoder({ encoder, decoder, ...rest }),
    );
    ae.config = modelConfig('@gen/vae', 'Autoencoder', 'mlp', o);
    return ae;
  }

  /** Convolutional autoencoder for [n, 28, 28, channels] images (transposed-convolution decoder). */
  static conv(o: AutoencoderConvOptions): Autoencoder {
    const fn = 'Autoencoder.conv';
    assertOptionKeys(fn, o, ['latentSize', 'channels', 'seed', 'loss', 'noise']);
    const { latentSize, channels = 1, seed = 0, ...rest } = o;
    assertCount(fn, 'latentSize', latentSize);
    assertCount(fn, 'channels', channels);
    if (channels > 1024) throw invalidArgument(fn, 'channels', channels, 'must be <= 1024');
    assertInteger(fn, 'seed', seed, 0);
    assertLayerSizes(fn, [7 * 7 * 64, latentSize]);
    const [re, rd] = Rng.fromSeed(seed).split(2) as [Rng, Rng];
    const encoder = new ConvEncoder({ channels, outputSize: latentSize, rng: re });
    const decoder = new ConvDecoder({ latentSize, channels, rng: rd });
    const ae = ownedBy(
      fn,
      [encoder, decoder],
      () => new Autoencoder({ encoder, decoder, ...rest }),
    );
    ae.config = modelConfig('@gen/vae', 'Autoencoder', 'conv', o);
    return ae;
  }
}

registerModel('@gen/vae', 'Autoencoder', {
  mlp: (options) => Autoencoder.mlp(options as unknown as AutoencoderMlpOptions),
  conv: (options) => Autoencoder.conv(options as unknown as AutoencoderConvOptions),
});
