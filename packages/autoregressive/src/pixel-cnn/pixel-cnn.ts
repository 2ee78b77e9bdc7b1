import {
  allOnHost,
  assertInteger,
  assertTensor,
  type Batch,
  finiteChecksEnabled,
  type GenerativeModel,
  InvalidArgumentError,
  Rng,
  type SampleOptions,
  ShapeMismatchError,
  splitBatch,
} from '@gen/core';
import { Conv2d, Dense, type ModelConfig, Module, modelConfig, registerModel } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { resolveCondition } from '../made/condition.js';
import { assertOptionsObject, assertRng } from '../validate.js';
import { GatedBlock } from './gated-block.js';
import { MaskedConv2d } from './masked-conv2d.js';
import {
  type PixelCnnBlocks,
  type PixelCnnLikelihood,
  type PixelCnnOptions,
  parsePixelCnnOptions,
} from './pixel-cnn-options.js';
import { type PixelFamily, pixelFamily } from './pixel-likelihood.js';

/** Options of {@link PixelCnn.logProb} and {@link PixelCnn.apply}. */
export interface PixelCnnConditionOptions {
  /**
   * A conditional model's condition: `[n, conditionSize]`, one row per image (or
   * `[1, conditionSize]`, shared). Required with `conditionSize`, refused without it.
   */
  condition?: tf.Tensor;
}

/**
 * A PixelCNN (van den Oord et al. 2016) in raster order: p(x | c) = Π_{r,c} p(x_rc | x_<rc, c).
 *
 * - `blocks: 'masked'` (default): one masked convolution of type 'A' (the pixel itself hidden),
 *   `layers` − 1 of type 'B', ReLU after each. `'gated'`: `layers` gated blocks of the
 *   Conditional PixelCNN (vertical and horizontal stacks, tanh ⊙ σ gates, residual horizontal
 *   stack), which have no blind spot.
 * - Then two 1×1 convolutions give P parameters per pixel, by `likelihood`: one logit
 *   ('bernoulli', 0/1 images, the default), 256 logits ('categorical256') or a discretised
 *   logistic (mixture) over the 256 levels ('discretizedLogistic'). Grey images in [0, 1] are
 *   quantised to the levels round(255·x) and enter the network as 2ℓ/255 − 1.
 * - With `conditionSize` each layer adds a learned linear map of the condition c to its
 *   pre-activations (the Conditional PixelCNN's V·h).
 *
 * All parameters come from one pass, so `logProb` and `loss` are parallel; `sample` is
 * sequential, one pass per pixel (H·W passes, each on the rows filled so far, as no layer
 * looks below). Images are `[n, H·W]` (as `loadMnist` gives them) or `[n, H, W, 1]`; samples
 * are `[n, H·W]` of 0/1 or of levels ℓ/255.
 *
 * ```ts
 * const model = new PixelCnn({ blocks: 'gated', likelihood: 'categorical256', conditionSize: 10 });
 * const nll = model.loss({ x: images, condition: labels });      // nats per image
 * const drawn = model.sample(2, Rng.fromSeed(1), { condition }); // [2, 784], 784 passes
 * ```
 */
export class PixelCnn extends Module implements GenerativeModel {
  readonly height: number;
  readonly width: number;
  readonly blocks: PixelCnnBlocks;
  readonly likelihood: PixelCnnLikelihood;
  /** Size of the condition, 0 for an unconditional model. */
  readonly conditionSize: number;
  /** Whether `logProb` checks its input's values (see {@link PixelCnnOptions.validateArgs}). */
  readonly validateArgs: boolean;
  private readonly family: PixelFamily;
  private readonly masked: { conv: MaskedConv2d; condition: Dense | null }[] = [];
  private readonly gated: GatedBlock[] = [];
  private readonly head: Conv2d;
  private readonly params: Conv2d;
  private readonly config: ModelConfig;

  constructor(options: PixelCnnOptions = {}) {
    const parsed = parsePixelCnnOptions(options);
    super('pixelCnn');
    const { height, width, channels, layers, kernelSize, conditionSize } = parsed;
    this.height = height;
    this.width = width;
    this.blocks = parsed.blocks;
    this.likelihood = parsed.likelihood;
    this.conditionSize = conditionSize;
    this.validateArgs = parsed.validateArgs;
    this.family = pixelFamily(parsed.likelihood, parsed.components);
    // Prefix-stable: the masked model's first layers + 2 generators are those of earlier versions.
    const rngs = Rng.fromSeed(parsed.seed).split(2 * layers + 2);
    for (let l = 0; l < layers; l++) {
      const inChannels = l === 0 ? 1 : channels;
      if (parsed.blocks === 'gated') {
        const block = new GatedBlock({
          inChannels,
          channels,
          kernelSize,
          first: l === 0,
          conditionSize,
          rng: rngs[l]!,
          name: `gated${l}`,
        });
        this.gated.push(this.addModule(`gated${l}`, block));
        continue;
      }
      const conv = new MaskedConv2d({
        inChannels,
        outChannels: channels,
        kernelSize,
        maskType: l === 0 ? 'A' : 'B',
        kernelInitializer: 'heUniform',
        rng: rngs[l]!,
        name: `conv${l}`,
      });
      this.addModule(`conv${l}`, conv);
      const condition =
        conditionSize > 0
          ? this.addModule(
              `condition${l}`,
              new Dense({
                inputSize: conditionSize,
                outputSize: channels,
                useBias: false,
                rng: rngs[layers + 2 + l]!,
                name: `condition${l}`,
              }),
            )
          : null;
      this.masked.push({ conv, condition });
    }
    const conv1x1 = (name: string, outChannels: number, relu: boolean, rng: Rng) =>
      this.addModule(
        name,
        new Conv2d({
          inChannels: channels,
          outChannels,
          kernelSize: 1,
          activation: relu ? 'relu' : 'none',
          rng,
          name,
        }),
      );
    this.head = conv1x1('head', channels, true, rngs[layers]!);
    this.params = conv1x1('logits', this.family.paramCount, false, rngs[layers + 1]!);
    this.config = modelConfig('@gen/autoregressive', 'PixelCnn', 'new', options);
  }

  /**
   * How `loadModel` from @gen/nn rebuilds this model: its constructor options (the weights come
   * from the file).
   */
  toConfig(): ModelConfig {
    return structuredClone(this.config);
  }

  /**
   * The raw network output `[n, H, W, P]` for images `[n, H·W]` or `[n, H, W, 1]`: P = 1 logit
   * of p(x_rc = 1 | x_<rc) for 'bernoulli'; 256 logits for 'categorical256'; for
   * 'discretizedLogistic' the location and log-scale on [−1, 1] (K = 1), or K mixture logits, K
   * locations and K log-scales. Grey values enter as 2x − 1 without quantisation (`logProb`
   * quantises first), so the output is differentiable in x. A conditional model takes
   * `options.condition`.
   */
  apply(x: tf.Tensor, options: PixelCnnConditionOptions = {}): tf.Tensor {
    const fn = 'PixelCnn.apply';
    this.assertLive(fn);
    this.assertImages(fn, 'x', x);
    assertOptionsObject(fn, options, ['condition']);
    const c = this.conditionOf(fn, 'options.condition', options.condition, x.shape[0]!);
    return tf.tidy(() => {
      const images = this.asImages(x);
      const input = this.likelihood === 'bernoulli' ? images : tf.sub(tf.mul(images, 2), 1);
      return this.network(input, c);
    });
  }

  /**
   * log p(x) (or log p(x | c)) per image in nats, `[n]`; `x` is `[n, H·W]` or `[n, H, W, 1]` of
   * 0/1 ('bernoulli') or of grey values in [0, 1], quantised to round(255·x). Divide by
   * −H·W·ln 2 for bits per dimension (`bitsPerDim`).
   */
  logProb(x: tf.Tensor, options: PixelCnnConditionOptions = {}): tf.Tensor {
    const fn = 'PixelCnn.logProb';
    this.assertLive(fn);
    this.assertImages(fn, 'x', x);
    assertOptionsObject(fn, options, ['condition']);
    const c = this.conditionOf(fn, 'options.condition', options.condition, x.shape[0]!);
    if (this.validateArgs && finiteChecksEnabled()) this.assertPixels(fn, 'x', x);
    return tf.tidy(() => this.logProbOf(this.asImages(x), c));
  }

  /**
   * Mean negative log-likelihood −(1/n) Σ log p(xᵢ) in nats per image; a conditional model
   * takes `{ x, condition }` with condition `[n, conditionSize]` and gives
   * −(1/n) Σ log p(xᵢ | cᵢ). Pixels must be 0/1 or in [0, 1] (by `likelihood`), checked with one
   * read of a boolean; the check is skipped inside @gen/core's `withoutFiniteChecks` (the
   * trainer runs the loss there on data it checked once) or after `setFiniteChecks(false)`.
   * The loss is deterministic: `rng` is accepted for the trainer's signature and not used.
   */
  loss(batch: Batch, _rng?: Rng): tf.Scalar {
    const fn = 'PixelCnn.loss';
    this.assertLive(fn);
    const { x, condition } = splitBatch(fn, batch);
    const arg = condition === undefined ? 'batch' : 'batch.x';
    this.assertImages(fn, arg, x);
    const c = this.conditionOf(fn, 'batch.condition', condition, x.shape[0]!, batch);
    if (finiteChecksEnabled()) this.assertPixels(fn, arg, x);
    return tf.tidy(() => tf.neg(tf.mean(this.logProbOf(this.asImages(x), c))) as tf.Scalar);
  }

  /**
   * `n` exact draws `[n, H·W]`: one pass per pixel in raster order, each drawing the pixel from
   * its conditional (u < σ(ℓ); Gumbel-max over 256 logits; a logistic draw by inverse CDF,
   * binned). Grey draws are levels ℓ/255. A conditional model draws row i from p(x | cᵢ) with
   * `options.condition` `[n, conditionSize]` (or `[1, conditionSize]` for all rows).
   */
  sample(n: number, rng: Rng, options: SampleOptions = {}): tf.Tensor {
    const fn = 'PixelCnn.sample';
    this.assertLive(fn);
    assertInteger(fn, 'n', n, 1);
    assertRng(fn, 'rng', rng);
    assertOptionsObject(fn, options, ['condition']);
    const c = this.conditionOf(fn, 'options.condition', options.condition, n);
    const { height: h, width: w, family } = this;
    let x = tf.zeros([n, h, w, 1]);
    for (let r = 0; r < h; r++) {
      for (let col = 0; col < w; col++) {
        const next = tf.tidy(() => {
          // Rows below r cannot reach pixel (r, col): run on the rows filled so far.
          const rows = tf.slice(x, [0, 0, 0, 0], [n, r + 1, w, 1]);
          const out = this.network(family.input(rows), c);
          const params = tf.reshape(tf.slice(out, [0, r, col, 0], [n, 1, 1, -1]), [n, -1]);
          const draw = family.sample(params, rng);
          const pixel = new Float32Array(h * w);
          pixel[r * w + col] = 1;
          const spot = tf.tensor4d(pixel, [1, h, w, 1]);
          return tf.add(x, tf.mul(tf.reshape(draw, [n, 1, 1, 1]), spot));
        });
        x.dispose();
        x = next;
      }
    }
    const flat = tf.reshape(x, [n, h * w]);
    x.dispose();
    return flat;
  }

  /** The parameters `[n, h, w, P]` of every pixel's conditional, from the network's input. */
  private network(input: tf.Tensor, condition: tf.Tensor | null): tf.Tensor {
    return tf.tidy(() => {
      let hidden: tf.Tensor;
      if (this.blocks === 'gated') {
        let stacks = { vertical: input, horizontal: input };
        for (const block of this.gated) stacks = block.forward(stacks, condition);
        hidden = tf.relu(stacks.horizontal);
      } else {
        hidden = input;
        for (const { conv, condition: bias } of this.masked) {
          hidden = conv.apply(hidden);
          if (bias !== null && condition !== null) {
            const channels = conv.outChannels;
            hidden = tf.add(hidden, tf.reshape(bias.apply(condition), [-1, 1, 1, channels]));
          }
          hidden = tf.relu(hidden);
        }
      }
      return this.params.apply(this.head.apply(hidden));
    });
  }

  private logProbOf(images: tf.Tensor, condition: tf.Tensor | null): tf.Tensor {
    const { family } = this;
    const params = this.network(family.input(images), condition);
    return tf.sum(family.logProb(params, family.target(images)), [1, 2]);
  }

  private conditionOf(
    fn: string,
    arg: string,
    condition: unknown,
    rows: number,
    batch?: Batch,
  ): tf.Tensor | null {
    return resolveCondition(fn, arg, condition, rows, this.conditionSize, batch);
  }

  /** `x` as `[n, H, W, 1]` (a reshape of `[n, H·W]`). */
  private asImages(x: tf.Tensor): tf.Tensor4D {
    return (x.rank === 2 ? tf.reshape(x, [-1, this.height, this.width, 1]) : x) as tf.Tensor4D;
  }

  /** Throws unless `x` is float32 `[n, H·W]` or `[n, H, W, 1]`. */
  private assertImages(fn: string, arg: string, x: unknown): asserts x is tf.Tensor {
    assertTensor(fn, arg, x);
    const { height: h, width: w } = this;
    const flat = x.rank === 2 && x.shape[1] === h * w;
    const image = x.rank === 4 && x.shape[1] === h && x.shape[2] === w && x.shape[3] === 1;
    if (!(flat || image) || x.shape[0]! < 1 || x.dtype !== 'float32') {
      throw new ShapeMismatchError(
        `${fn}: argument '${arg}' must be a float32 tensor of shape [batch, ${h * w}] or [batch, ${h}, ${w}, 1], got a ${x.dtype} tensor of shape [${x.shape.join(', ')}]`,
      );
    }
  }

  /** Throws unless every pixel is 0 or 1 ('bernoulli') or in [0, 1]; reads one boolean. */
  private assertPixels(fn: string, arg: string, x: tf.Tensor): void {
    const binary = this.likelihood === 'bernoulli';
    const valid = () =>
      binary
        ? tf.logicalOr(tf.equal(x, 0), tf.equal(x, 1))
        : tf.logicalAnd(tf.greaterEqual(x, 0), tf.lessEqual(x, 1));
    if (!allOnHost(valid)) {
      const what = binary ? 'must hold only 0 and 1' : 'must hold only values in [0, 1]';
      throw new InvalidArgumentError(
        `${fn}: argument '${arg}' ${what}, got a ${x.dtype} tensor of shape [${x.shape.join(', ')}] with other values`,
      );
    }
  }
}

registerModel('@gen/autoregressive', 'PixelCnn', {
  new: (options) => new PixelCnn(options as unknown as PixelCnnOptions),
});
