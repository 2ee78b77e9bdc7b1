import {
  assertFiniteTensor,
  assertInteger,
  assertNetwork,
  assertRng,
  type Batch,
  type GenerativeModel,
  invalidArgument,
  type NamedTensors,
  type Network,
  Rng,
  type SampleOptions,
  ShapeMismatchError,
  stopGradient,
} from '@gen/core';
import { Mlp, type ModelConfig, modelConfig, NetworkParts, registerModel } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { Codebook } from './codebook.js';
import { optionCondition, splitInput } from './condition.js';
import {
  type Likelihood,
  likelihoodDist,
  likelihoodMean,
  outputFactor,
  parseLikelihood,
} from './likelihood.js';
import {
  applyNetwork,
  assertBinaryTensor,
  assertCount,
  assertData,
  assertDataShape,
  assertDraws,
  assertHiddenSizes,
  assertLayerSizes,
  assertOptionKeys,
  ownedBy,
} from './validate.js';
import {
  type CodebookUsage,
  VQ_VAE_KEYS,
  VQ_VAE_MLP_KEYS,
  type VqVaeLossTerms,
  type VqVaeMlpOptions,
  type VqVaeOptions,
} from './vq-vae-options.js';

export type {
  CodebookUsage,
  VqVaeLossTerms,
  VqVaeMlpOptions,
  VqVaeOptions,
} from './vq-vae-options.js';

const MAX_SIZE = 2 ** 20;

/**
 * Vector-quantised VAE (van den Oord et al. 2017). The encoder's output z_e is read as code
 * vectors of length D, each replaced by its nearest entry e of a learned K × D codebook; the
 * decoder sees z_q = z_e + sg(e − z_e) (value e, the straight-through estimator: the decoder's
 * gradient passes to the encoder unchanged). Per example the loss is
 * −log p(x | z_q) + ‖sg(z_e) − e‖² + β‖z_e − sg(e)‖² (sg = @gen/core's `stopGradient`): the
 * codebook learns only from the second term, the encoder from the first and third. `sample`
 * decodes codes drawn uniformly, the prior the model is trained under (a learned prior over
 * codes, e.g. an autoregressive model, is not part of this class).
 *
 * ```ts
 * const vq = VqVae.mlp({ inputSize: 784, hiddenSizes: [256], codes: 8, embeddingSize: 16,
 *   codebookSize: 64, likelihood: 'bernoulli' });
 * const { perplexity } = await vq.codebookUsage(x);
 * ```
 */
export class VqVae implements GenerativeModel {
  readonly encoder: Network;
  readonly decoder: Network;
  readonly codebook: Codebook;
  readonly latentShape: readonly number[];
  /** Code vectors per example: size(latentShape) / embeddingSize. */
  readonly codes: number;
  readonly codebookSize: number;
  readonly embeddingSize: number;
  readonly likelihood: Likelihood;
  readonly commitment: number;
  readonly dataShape: readonly number[] | undefined;
  private readonly weights: NetworkParts;
  private config: ModelConfig;

  constructor(options: VqVaeOptions) {
    const fn = 'VqVae';
    assertOptionKeys(fn, options, VQ_VAE_KEYS);
    const { encoder, decoder, codebookSize, embeddingSize, commitment = 0.25, seed = 0 } = options;
    assertNetwork(fn, 'encoder', encoder);
    assertNetwork(fn, 'decoder', decoder);
    if (encoder === decoder) {
      throw invalidArgument(fn, 'decoder', decoder, 'must be a network other than the encoder');
    }
    assertInteger(fn, 'codebookSize', codebookSize, 1, MAX_SIZE);
    assertInteger(fn, 'embeddingSize', embeddingSize, 1, MAX_SIZE);
    assertInteger(fn, 'seed', seed, 0);
    if (typeof commitment !== 'number' || !Number.isFinite(commitment) || commitment < 0) {
      throw invalidArgument(fn, 'commitment', commitment, 'must be a finite number >= 0');
    }
    const latentShape = assertDataShape(fn, 'latentShape', options.latentShape);
    const size = latentShape.reduce((a, b) => a * b, 1);
    if (size % embeddingSize !== 0) {
      throw invalidArgument(
        fn,
        'latentShape',
        latentShape,
        `must hold a multiple of embeddingSize = ${embeddingSize} values`,
      );
    }
    this.encoder = encoder;
    this.decoder = decoder;
    this.latentShape = latentShape;
    this.codes = size / embeddingSize;
    this.codebookSize = codebookSize;
    this.embeddingSize = embeddingSize;
    this.likelihood = parseLikelihood(fn, options.likelihood);
    this.commitment = commitment;
    this.dataShape =
      options.dataShape === undefined
        ? undefined
        : assertDataShape(fn, 'dataShape', options.dataShape);
    this.codebook = new Codebook({
      size: codebookSize,
      dim: embeddingSize,
      rng: Rng.fromSeed(seed),
    });
    this.weights = new NetworkParts(
      fn,
      { encoder, decoder, codebook: this.codebook },
      {
        keepPrefixed: true,
      },
    );
    this.config = modelConfig('@gen/vae', 'VqVae', 'new', options);
  }

  /** How `loadModel` rebuilds this model (`factory` null for networks you built). */
  toConfig(): ModelConfig {
    return structuredClone(this.config);
  }

  get trainableVariables(): tf.Variable[] {
    return [
      ...this.encoder.trainableVariables,
      ...this.decoder.trainableVariables,
      ...this.codebook.trainableVariables,
    ];
  }

  /** The encoder's output z_e: [n, ...latentShape]; the caller owns it. */
  encode(x: tf.Tensor): tf.Tensor {
    const fn = 'VqVae.encode';
    this.assertInput(fn, 'x', x, false);
    return this.encodeUnchecked(fn, x);
  }

  /** The index of the code chosen for each code vector of each example: int32 [n, codes]. */
  encodeCodes(x: tf.Tensor): tf.Tensor {
    const fn = 'VqVae.encodeCodes';
    this.assertInput(fn, 'x', x, false);
    return tf.tidy(() => {
      const flat = tf.reshape(this.encodeUnchecked(fn, x), [-1, this.embeddingSize]);
      return tf.reshape(this.codebook.nearest(flat), [x.shape[0]!, this.codes]);
    });
  }

  /** The mean of p(x | z_q) for codes: int32 [m, codes] (indices into the codebook). */
  decodeCodes(codes: tf.Tensor): tf.Tensor {
    const fn = 'VqVae.decodeCodes';
    if (
      !(codes instanceof tf.Tensor) ||
      codes.isDisposed ||
      codes.dtype !== 'int32' ||
      codes.rank !== 2 ||
      codes.shape[1] !== this.codes ||
      codes.shape[0] === 0
    ) {
      throw invalidArgument(
        fn,
        'codes',
        codes,
        `must be a live int32 tf.Tensor [m, ${this.codes}]`,
      );
    }
    const [lo, hi] = tf
      .tidy(() => [tf.min(codes), tf.max(codes)])
      .map((t) => {
        const v = t.dataSync()[0]!;
        t.dispose();
        return v;
      }) as [number, number];
    if (lo < 0 || hi >= this.codebookSize) {
      throw invalidArgument(fn, 'codes', codes, `must hold indices in [0, ${this.codebookSize})`);
    }
    return tf.tidy(() => {
      const zq = tf.reshape(this.codebook.lookup(codes), [codes.shape[0]!, ...this.latentShape]);
      return likelihoodMean(this.likelihood, this.decoderOutput(fn, zq));
    });
  }

  /** The mean of p(x | z_q(x)): the decoded nearest codes. */
  reconstruct(x: tf.Tensor): tf.Tensor {
    const fn = 'VqVae.reconstruct';
    this.assertInput(fn, 'x', x, false);
    return tf.tidy(() => {
      const { zq } = this.quantize(this.encodeUnchecked(fn, x));
      return likelihoodMean(this.likelihood, this.decoderOutput(fn, zq));
    });
  }

  /**
   * The three terms of the loss per example (see {@link VqVaeLossTerms}); the caller owns them.
   * Data must be finite (0/1 for a Bernoulli likelihood).
   */
  lossTerms(x: tf.Tensor): VqVaeLossTerms {
    const fn = 'VqVae.lossTerms';
    this.assertInput(fn, 'x', x, true);
    return this.terms(fn, x);
  }

  /**
   * Batch mean of −log p(x | z_q) + ‖sg(z_e) − e‖² + β‖z_e − sg(e)‖²; deterministic (`rng` is
   * checked and unused).
   */
  loss(batch: Batch, rng: Rng): tf.Scalar {
    const fn = 'VqVae.loss';
    const { x } = splitInput(fn, 'batch', batch, undefined);
    this.assertInput(fn, 'batch', x, true);
    assertRng(fn, 'rng', rng);
    return tf.tidy(() => {
      const t = this.terms(fn, x);
      const total = tf.add(
        tf.add(t.reconstruction, t.codebook),
        tf.mul(this.commitment, t.commitment),
      );
      return tf.mean(total) as tf.Scalar;
    });
  }

  /**
   * How the data's code vectors use the codebook: counts per code, codes used, and the
   * perplexity exp(H) of the code distribution (K at best, 1 for a collapsed codebook).
   */
  async codebookUsage(x: tf.Tensor): Promise<CodebookUsage> {
    const codes = this.encodeCodes(x);
    const counts = tf.tidy(() => tf.sum(tf.oneHot(tf.reshape(codes, [-1]), this.codebookSize), 0));
    const values = Array.from(await counts.data());
    tf.dispose([codes, counts]);
    const total = values.reduce((a, b) => a + b, 0);
    const entropy = values.reduce((h, c) => (c > 0 ? h - (c / total) * Math.log(c / total) : h), 0);
    return {
      counts: values,
      used: values.filter((c) => c > 0).length,
      perplexity: Math.exp(entropy),
    };
  }

  /**
   * n draws: codes drawn uniformly from the codebook (the prior the model is trained under),
   * decoded to the mean of p(x | z_q): [n, ...dataShape].
   */
  sample(n: number, rng: Rng, options: SampleOptions = {}): tf.Tensor {
    const fn = 'VqVae.sample';
    assertDraws(fn, 'n', n, this.codes * this.embeddingSize);
    assertRng(fn, 'rng', rng);
    assertOptionKeys(fn, options, ['condition']);
    optionCondition(fn, options, undefined, n);
    return tf.tidy(() =>
      likelihoodMean(this.likelihood, this.decoderOutput(fn, this.priorSample(n, rng))),
    );
  }

  /**
   * n draws of the quantised latent z_q ~ p(z_q): every code picked uniformly from the codebook,
   * `[n, ...latentShape]`, the latents `sample` decodes (the same `rng` gives the same draws).
   */
  samplePrior(n: number, rng: Rng): tf.Tensor {
    const fn = 'VqVae.samplePrior';
    assertDraws(fn, 'n', n, this.codes * this.embeddingSize);
    assertRng(fn, 'rng', rng);
    return tf.tidy(() => this.priorSample(n, rng));
  }

  private priorSample(n: number, rng: Rng): tf.Tensor {
    const u = rng.uniform([n, this.codes], 0, this.codebookSize);
    const codes = tf.cast(tf.minimum(tf.floor(u), this.codebookSize - 1), 'int32');
    return tf.reshape(this.codebook.lookup(codes), [n, ...this.latentShape]);
  }

  /** Copies of the weights: `encoder/…`, `decoder/…` and `codebook/embeddings`. */
  getWeights(): NamedTensors {
    return this.weights.get();
  }

  /** Assigns every weight from `getWeights()`-style names; nothing changes unless all match. */
  setWeights(weights: NamedTensors): void {
    this.weights.set('VqVae.setWeights', weights);
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
    this.codebook.dispose();
  }

  /** Per-example loss terms of checked data; runs in the caller's tidy or owns its output. */
  private terms(fn: string, x: tf.Tensor): VqVaeLossTerms {
    return tf.tidy(() => {
      const ze = this.encodeUnchecked(fn, x);
      const { e } = this.quantize(ze);
      // Straight-through: the value is e, the gradient w.r.t. z_e the identity.
      const zq = tf.add(ze, stopGradient(tf.sub(e, ze)));
      const out = this.decoderOutput(fn, zq);
      const want = [...x.shape.slice(1)];
      want[want.length - 1]! *= outputFactor(this.likelihood);
      if (!tf.util.arraysEqual(out.shape.slice(1), want)) {
        throw new ShapeMismatchError(
          `${fn}: the decoder maps latents to [${out.shape.slice(1).join(', ')}] per example but the data has shape [${x.shape.slice(1).join(', ')}]`,
        );
      }
      const reconstruction = tf.neg(likelihoodDist(this.likelihood, out, x.rank - 1).logProb(x));
      const axes = this.latentShape.map((_, i) => i + 1);
      const codebook = tf.sum(tf.square(tf.sub(stopGradient(ze), e)), axes);
      const commitment = tf.sum(tf.square(tf.sub(ze, stopGradient(e))), axes);
      return { reconstruction, codebook, commitment };
    });
  }

  /** Nearest code vectors of z_e: e (differentiable in the codebook) and z_q (= e, no gradient). */
  private quantize(ze: tf.Tensor): { e: tf.Tensor; zq: tf.Tensor } {
    return tf.tidy(() => {
      const flat = tf.reshape(ze, [-1, this.embeddingSize]);
      // A one-hot product rather than a gather: under a gradient tape the indices descend from
      // the encoder's variables, and tfjs has no float gradient for gather's int32 indices.
      const pick = tf.oneHot(this.codebook.nearest(stopGradient(flat)), this.codebookSize);
      const e = tf.reshape(tf.matMul(tf.cast(pick, 'float32'), this.codebook.embeddings), ze.shape);
      return { e, zq: stopGradient(e) };
    });
  }

  private encodeUnchecked(fn: string, x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const out = applyNetwork(fn, 'encoder', (h) => this.encoder.apply(h), x);
      if (!tf.util.arraysEqual(out.shape, [x.shape[0]!, ...this.latentShape])) {
        throw new ShapeMismatchError(
          `${fn}: the encoder must output [n, ${this.latentShape.join(', ')}], got [${out.shape.join(', ')}]`,
        );
      }
      return out;
    });
  }

  private decoderOutput(fn: string, zq: tf.Tensor): tf.Tensor {
    return applyNetwork(fn, 'decoder', (h) => this.decoder.apply(h), zq);
  }

  /** Shape and values of data given to `fn`: finite, and 0/1 for Bernoulli when `strict`. */
  private assertInput(
    fn: string,
    arg: string,
    x: unknown,
    strict: boolean,
  ): asserts x is tf.Tensor {
    splitInput(fn, arg, x, undefined);
    assertData(fn, arg, x, this.dataShape);
    if (strict && this.likelihood === 'bernoulli') assertBinaryTensor(fn, arg, x);
    else assertFiniteTensor(fn, arg, x);
  }

  /**
   * A VQ-VAE with MLP encoder x → hidden → codes·D and decoder codes·D → reversed hidden → x
   * (ReLU hidden layers).
   */
  static mlp(options: VqVaeMlpOptions): VqVae {
    const fn = 'VqVae.mlp';
    assertOptionKeys(fn, options, VQ_VAE_MLP_KEYS);
    const { inputSize, hiddenSizes, codes = 1, embeddingSize, seed = 0, ...rest } = options;
    const parsed = parseLikelihood(fn, options.likelihood);
    assertCount(fn, 'inputSize', inputSize);
    assertCount(fn, 'codes', codes);
    assertCount(fn, 'embeddingSize', embeddingSize);
    assertInteger(fn, 'seed', seed, 0);
    assertHiddenSizes(fn, hiddenSizes);
    const latent = codes * embeddingSize;
    assertLayerSizes(fn, [inputSize, ...hiddenSizes, latent]);
    assertLayerSizes(fn, [latent, ...[...hiddenSizes].reverse(), inputSize * outputFactor(parsed)]);
    const [re, rd] = Rng.fromSeed(seed).split(2) as [Rng, Rng];
    const encoder = new Mlp({
      inputSize,
      hiddenSizes,
      outputSize: latent,
      rng: re,
      name: 'encoder',
    });
    const decoder = new Mlp({
      inputSize: latent,
      hiddenSizes: [...hiddenSizes].reverse(),
      outputSize: inputSize * outputFactor(parsed),
      rng: rd,
      name: 'decoder',
    });
    const vq = ownedBy(
      fn,
      [encoder, decoder],
      () =>
        new VqVae({
          ...rest,
          encoder,
          decoder,
          latentShape: [latent],
          embeddingSize,
          likelihood: parsed,
          dataShape: [inputSize],
          seed,
        }),
    );
    vq.config = modelConfig('@gen/vae', 'VqVae', 'mlp', options);
    return vq;
  }
}

registerModel('@gen/vae', 'VqVae', {
  mlp: (options) => VqVae.mlp(options as unknown as VqVaeMlpOptions),
});
