import {
  assertInteger,
  assertTensor,
  finiteChecksEnabled,
  type GenerativeModel,
  Rng,
  ShapeMismatchError,
} from '@gen/core';
import { Bernoulli } from '@gen/distributions';
import { Conv2d, type ModelConfig, Module, modelConfig, registerModel } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { assertRng, assertValues } from '../validate.js';
import { MaskedConv2d } from './masked-conv2d.js';
import { type PixelCnnOptions, parsePixelCnnOptions } from './pixel-cnn-options.js';

/**
 * A small PixelCNN (van den Oord et al. 2016) for binary images in raster order:
 * p(x) = Π_{r,c} Bernoulli(x_{rc} | σ(ℓ_{rc}(x_{<rc}))). One masked convolution of type 'A'
 * (the pixel itself hidden), `layers` − 1 of type 'B', ReLU after each, then two 1×1
 * convolutions to one logit per pixel. All logits come from one pass, so `logProb` and `loss`
 * are parallel; `sample` is sequential, one pass per pixel (H·W passes, each on the rows filled
 * so far, as the masks never look below).
 *
 * Images are `[n, H·W]` (as `loadMnist` gives them) or `[n, H, W, 1]`; samples are `[n, H·W]`.
 *
 * ```ts
 * const model = new PixelCnn({ channels: 32, layers: 5, kernelSize: 5, seed: 0 });
 * const nll = model.loss(images);                  // images: [n, 784] of 0/1
 * const drawn = model.sample(2, Rng.fromSeed(1));  // [2, 784], 784 passes
 * ```
 */
export class PixelCnn extends Module implements GenerativeModel {
  readonly height: number;
  readonly width: number;
  /** Whether `logProb` checks that its input is 0/1 (see {@link PixelCnnOptions.validateArgs}). */
  readonly validateArgs: boolean;
  private readonly stack: Module[];

  private readonly config: ModelConfig;

  constructor(options: PixelCnnOptions = {}) {
    const parsed = parsePixelCnnOptions(options);
    super('pixelCnn');
    const { height, width, channels, layers, kernelSize } = parsed;
    this.height = height;
    this.width = width;
    this.validateArgs = parsed.validateArgs;
    const rngs = Rng.fromSeed(parsed.seed).split(layers + 2);
    const stack: Module[] = [];
    for (let l = 0; l < layers; l++) {
      const conv = new MaskedConv2d({
        inChannels: l === 0 ? 1 : channels,
        outChannels: channels,
        kernelSize,
        maskType: l === 0 ? 'A' : 'B',
        activation: 'relu',
        kernelInitializer: 'heUniform',
        rng: rngs[l]!,
        name: `conv${l}`,
      });
      stack.push(this.addModule(`conv${l}`, conv));
    }
    const head = [
      { name: 'head', outChannels: channels, activation: 'relu' as const },
      { name: 'logits', outChannels: 1, activation: 'none' as const },
    ];
    head.forEach(({ name, outChannels, activation }, i) => {
      const conv = new Conv2d({
        inChannels: channels,
        outChannels,
        kernelSize: 1,
        activation,
        rng: rngs[layers + i]!,
        name,
      });
      stack.push(this.addModule(name, conv));
    });
    this.stack = stack;
    this.config = modelConfig('@gen/autoregressive', 'PixelCnn', 'new', options);
  }

  /**
   * How `loadModel` from @gen/nn rebuilds this model: its constructor options (the weights come
   * from the file).
   */
  toConfig(): ModelConfig {
    return structuredClone(this.config);
  }

  /** Logits ℓ `[n, h, w, 1]` of p(x_{rc} = 1 | x_{<rc}) for images `[n, h, w, 1]`. */
  apply(x: tf.Tensor): tf.Tensor {
    this.assertLive('PixelCnn.apply');
    this.assertImages('PixelCnn.apply', x);
    return tf.tidy(() => this.logits(this.asImages(x)));
  }

  /** log p(x) per image, `[n]`; `x` is `[n, H·W]` or `[n, H, W, 1]` of 0/1. */
  logProb(x: tf.Tensor): tf.Tensor {
    const fn = 'PixelCnn.logProb';
    this.assertLive(fn);
    this.assertImages(fn, x);
    if (this.validateArgs && finiteChecksEnabled()) assertValues(fn, 'x', x, true);
    return tf.tidy(() => this.logProbOf(this.asImages(x)));
  }

  /**
   * Mean negative log-likelihood −(1/n) Σ log p(xᵢ) in nats per image. Pixels must be 0 or 1,
   * checked with one read of a boolean; the check is skipped inside @gen/core's
   * `withoutFiniteChecks` (the trainer runs the loss there on data it checked once) or after
   * `setFiniteChecks(false)`.
   */
  loss(batch: tf.Tensor): tf.Scalar {
    const fn = 'PixelCnn.loss';
    this.assertLive(fn);
    this.assertImages(fn, batch, 'batch');
    if (finiteChecksEnabled()) assertValues(fn, 'batch', batch, true);
    return tf.tidy(() => tf.neg(tf.mean(this.logProbOf(this.asImages(batch)))) as tf.Scalar);
  }

  /** `n` exact draws `[n, H·W]` of 0/1: one pass per pixel in raster order, u < σ(ℓ). */
  sample(n: number, rng: Rng): tf.Tensor {
    const fn = 'PixelCnn.sample';
    this.assertLive(fn);
    assertInteger(fn, 'n', n, 1);
    assertRng(fn, 'rng', rng);
    const { height: h, width: w } = this;
    let x = tf.zeros([n, h, w, 1]);
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const next = tf.tidy(() => {
          // Rows below r cannot reach pixel (r, c): run on the rows filled so far.
          const rows = tf.slice(x, [0, 0, 0, 0], [n, r + 1, w, 1]);
          const logit = tf.slice(this.logits(rows), [0, r, c, 0], [n, 1, 1, 1]);
          const draw = new Bernoulli({ logits: logit, validateArgs: false }).sample(1, rng);
          const pixel = new Float32Array(h * w);
          pixel[r * w + c] = 1;
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

  private logits(images: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.stack.reduce((hidden, layer) => layer.apply(hidden), images));
  }

  private logProbOf(images: tf.Tensor): tf.Tensor {
    const logits = this.logits(images);
    const lp = new Bernoulli({ logits, validateArgs: false }).logProb(images);
    return tf.sum(lp, [1, 2, 3]);
  }

  /** `x` as `[n, H, W, 1]` (a reshape of `[n, H·W]`). */
  private asImages(x: tf.Tensor): tf.Tensor4D {
    return (x.rank === 2 ? tf.reshape(x, [-1, this.height, this.width, 1]) : x) as tf.Tensor4D;
  }

  /** Throws unless `x` is float32 `[n, H·W]` or `[n, H, W, 1]`. */
  private assertImages(fn: string, x: unknown, arg = 'x'): asserts x is tf.Tensor {
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
}

registerModel('@gen/autoregressive', 'PixelCnn', {
  new: (options) => new PixelCnn(options as unknown as PixelCnnOptions),
});
