import {
  assertFiniteTensor,
  assertKnownOptions,
  type Batch,
  bitsPerDim,
  finiteChecksEnabled,
  formatValue,
  type GenerativeModel,
  InvalidArgumentError,
  invalidArgument,
  isRng,
  type NamedTensors,
  Rng,
  type SampleOptions,
  ShapeMismatchError,
} from '@gen/core';
import { type ModelConfig, registerModel } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { ActNorm } from '../act-norm.js';
import type { LearnedBijector } from '../learned-bijector.js';
import { InvertibleConv1x1 } from '../linear/invertible-conv1x1.js';
import { ConvAffineCoupling } from './conv-affine-coupling.js';
import { logitsToPixels, pixelsToLogits } from './logit-pixels.js';
import {
  type MultiscaleConfig,
  type MultiscaleFlowOptions,
  parseMultiscaleOptions,
} from './multiscale-options.js';
import { namedPartWeights, setPartWeights } from './part-weights.js';
import { Squeeze } from './squeeze.js';

/** Options of {@link MultiscaleFlow.logProb} and {@link MultiscaleFlow.bitsPerDim}. */
export interface DequantizeOptions {
  /**
   * Draw the dequantisation noise u ~ U[0, 1) from this generator (a one-sample estimate of the
   * variational bound). Default: u = ½, the centre of each level's bin (deterministic).
   */
  rng?: Rng;
}

/** Options of {@link MultiscaleFlow.sample}. */
export interface MultiscaleSampleOptions extends SampleOptions {
  /** T: draw the noise from N(0, T²) (default 1, the model itself; Glow samples at 0.7). */
  temperature?: number;
}

interface Level {
  squeeze: Squeeze;
  /** Each step as the noise side applies it: [actNorm, conv, coupling] (encoding runs inverses). */
  steps: [ActNorm, InvertibleConv1x1, ConvAffineCoupling][];
  /** Shape [h, w, C] after the squeeze. */
  shape: [number, number, number];
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * A multiscale RealNVP/Glow image flow (Dinh et al. 2017 §3.6; Kingma & Dhariwal 2018) on 8-bit
 * images `[h, w, C]` given as pixels in [0, 1] (level/255), channels last.
 *
 * Data side to noise side: y = (level + u)/256 (uniform dequantisation, u ~ U[0, 1)),
 * v = logit(α + (1 − 2α)·y) (α = 0.05); then `levels` levels of [2×2 `Squeeze`, K steps of
 * (`ActNorm`, `InvertibleConv1x1`, `ConvAffineCoupling` with alternating channel halves)],
 * and after every level but the last half of the channels is factored out to the noise. The
 * noise z (all h·w·C values: the factored parts, then the last level's output) has a
 * standard-normal base. Every log-det is included, so
 *
 *   logProb(x) = log p(y),  the density of the dequantised y on [0, 1]^D  (D = h·w·C),
 *   bitsPerDim(x) = (−log p(y) + D·ln 256)/(D·ln 2),
 *
 * the usual bits/dim of the discrete data: −log P(level) <= E_u[−log p(y)] + D·ln 256 for the
 * probability mass P of the 256^D levels (Theis et al. 2016), so bits/dim is an upper bound,
 * 8 for a uniform model. Without an `rng` both use u = ½; `loss(batch, rng)` (what `fit` runs)
 * draws u from `rng` and returns the mean −log p(y) in nats, and `sample(n, rng)` returns pixels
 * `[n, h, w, C]` in [0, 1]: the level ⌊256·y⌋/255 whose bin holds each y.
 *
 * Batches are `[n, h·w·C]` rows (as `loadMnist` gives them) or `[n, h, w, C]` images, pixels
 * in [0, 1]. ActNorm layers initialise from the first batch that reaches them (Glow's
 * data-dependent init). Weights are named `level<l>/step<k>/<layer weight>`, e.g.
 * `level0/step1/convAffineCoupling/conditioner/conv0/kernel`; `toConfig()` records the options,
 * so `loadModel` from @gen/nn rebuilds the flow from a safetensors file.
 *
 * ```ts
 * const flow = new MultiscaleFlow({ shape: [28, 28, 1], levels: 2, stepsPerLevel: 4, hiddenChannels: 64 });
 * await fit(flow, images, { steps: 1000, batchSize: 64, learningRate: 1e-3, rng }); // images: [n, 784]
 * flow.bitsPerDim(test);  // [n] bits per dimension
 * flow.sample(16, Rng.fromSeed(0)); // [16, 28, 28, 1]
 * ```
 */
export class MultiscaleFlow implements GenerativeModel {
  /** The image shape [h, w, C]. */
  readonly shape: readonly [number, number, number];
  /** D = h·w·C, the dimensions of one image. */
  readonly dim: number;
  readonly levels: number;
  readonly stepsPerLevel: number;
  readonly alpha: number;
  private readonly config: MultiscaleConfig;
  private readonly parts: readonly Level[];
  private disposed = false;

  constructor(options: MultiscaleFlowOptions) {
    const fn = 'MultiscaleFlow';
    const config = parseMultiscaleOptions(fn, options);
    const { shape, levels, stepsPerLevel, hiddenChannels, logScaleBound } = config;
    this.config = config;
    this.shape = Object.freeze([...shape]) as unknown as readonly [number, number, number];
    this.dim = shape[0] * shape[1] * shape[2];
    this.levels = levels;
    this.stepsPerLevel = stepsPerLevel;
    this.alpha = config.alpha;
    const rng = Rng.fromSeed(config.seed);
    const built: Level[] = [];
    try {
      let [h, w, c] = shape;
      for (let l = 0; l < levels; l++) {
        const squeeze = new Squeeze({ dim: c });
        [h, w, c] = [h / 2, w / 2, 4 * c];
        const level: Level = { squeeze, steps: [], shape: [h, w, c] };
        built.push(level);
        for (let k = 0; k < stepsPerLevel; k++) {
          const [r0, r1, r2] = rng.split(3) as [Rng, Rng, Rng];
          level.steps.push([
            new ActNorm({ dim: c, rng: r0 }),
            new InvertibleConv1x1({ dim: c, permutation: 'random', rng: r1 }),
            new ConvAffineCoupling({
              dim: c,
              hiddenChannels,
              logScaleBound,
              parity: (k % 2) as 0 | 1,
              rng: r2,
            }),
          ]);
        }
        c /= 2;
      }
    } catch (error) {
      for (const level of built) for (const part of partsOf(level)) part.dispose();
      throw error;
    }
    this.parts = built;
  }

  /** Every trainable variable, level by level. */
  get trainableVariables(): tf.Variable[] {
    return this.layers().flatMap(({ part }) => part.trainableVariables);
  }

  /** Total number of scalar parameters. */
  numParameters(): number {
    return this.trainableVariables.reduce((total, v) => total + v.size, 0);
  }

  /**
   * log p(y) per image, `[n]`, the density of the dequantised y = (level + u)/256 on [0, 1]^D
   * (u = ½ unless `options.rng`), for pixels `x` `[n, D]` or `[n, h, w, C]` in [0, 1].
   */
  logProb(x: tf.Tensor, options: DequantizeOptions = {}): tf.Tensor {
    const fn = 'MultiscaleFlow.logProb';
    assertKnownOptions(fn, options, ['rng']);
    const { rng } = options;
    if (rng !== undefined && !isRng(rng)) {
      throw invalidArgument(fn, 'options.rng', rng, 'must be an Rng');
    }
    this.checkPixels(fn, 'x', x);
    return tf.tidy(() => this.logDensity(x, rng));
  }

  /**
   * Bits per dimension of the discrete pixels, `[n]`: (−log p(y) + D·ln 256)/(D·ln 2) with
   * log p(y) from {@link MultiscaleFlow.logProb} (same options).
   */
  bitsPerDim(x: tf.Tensor, options: DequantizeOptions = {}): tf.Tensor {
    return tf.tidy(() => {
      const logProb = this.logProb(x, options);
      return bitsPerDim(tf.sub(logProb, this.dim * Math.log(256)), this.dim);
    });
  }

  /**
   * The mean −log p(y) of a batch of pixels (`[n, D]` or `[n, h, w, C]` in [0, 1]) in nats,
   * dequantised with noise from `rng` (required), as a differentiable scalar.
   */
  loss(batch: Batch, rng: Rng): tf.Scalar {
    const fn = 'MultiscaleFlow.loss';
    if (!(batch instanceof tf.Tensor)) {
      throw invalidArgument(
        fn,
        'batch',
        batch,
        'must be a live tf.Tensor (the flow is unconditional)',
      );
    }
    if (!isRng(rng)) {
      throw invalidArgument(fn, 'rng', rng, 'must be an Rng (it draws the dequantisation noise)');
    }
    this.checkPixels(fn, 'batch', batch);
    return tf.tidy(() => tf.neg(tf.mean(this.logDensity(batch, rng)))) as tf.Scalar;
  }

  /**
   * `n` images `[n, h, w, C]` of pixels level/255 in [0, 1], drawn from `rng`; with
   * `options.temperature` T the noise is N(0, T²) (Glow's reduced-temperature sampling, e.g. 0.7).
   */
  sample(n: number, rng: Rng, options: MultiscaleSampleOptions = {}): tf.Tensor {
    const fn = 'MultiscaleFlow.sample';
    this.assertLive(fn);
    if (options === null || typeof options !== 'object') {
      throw invalidArgument(fn, 'options', options, 'must be an options object');
    }
    assertKnownOptions(fn, options, ['condition', 'temperature']);
    const { temperature = 1 } = options;
    if (typeof temperature !== 'number' || !(temperature > 0 && temperature <= 10)) {
      throw invalidArgument(fn, 'options.temperature', temperature, 'must be a number in (0, 10]');
    }
    if (options.condition !== undefined) {
      throw invalidArgument(
        fn,
        'options.condition',
        options.condition,
        'must be left out: the flow is unconditional',
      );
    }
    if (!Number.isSafeInteger(n) || n < 1)
      throw invalidArgument(fn, 'n', n, 'must be an integer >= 1');
    if (!isRng(rng)) throw invalidArgument(fn, 'rng', rng, 'must be an Rng');
    return tf.tidy(() =>
      logitsToPixels(this.decode(rng.normal([n, this.dim], 0, temperature)), this.alpha),
    );
  }

  /** Copies of every weight by name (`level<l>/step<k>/<layer weight>`); the caller owns them. */
  getWeights(): NamedTensors {
    this.assertLive('MultiscaleFlow.getWeights');
    return namedPartWeights(this.layers());
  }

  /**
   * Assigns every weight from `weights`: exactly the names of `getWeights()`, matching dtypes
   * and shapes (checked before anything is assigned). ActNorm layers count as initialised.
   */
  setWeights(weights: NamedTensors): void {
    const fn = 'MultiscaleFlow.setWeights';
    this.assertLive(fn);
    setPartWeights(fn, this.layers(), weights);
  }

  /** The options with defaults filled in, for `loadModel` from @gen/nn. */
  toConfig(): ModelConfig {
    return {
      package: '@gen/flows',
      model: 'MultiscaleFlow',
      factory: 'new',
      options: structuredClone({ ...this.config, shape: [...this.config.shape] }),
    };
  }

  /** Releases every variable. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const level of this.parts) for (const part of partsOf(level)) part.dispose();
  }

  /** Every layer with its weight-name prefix, in encoding order. */
  private layers(): { prefix: string; part: LearnedBijector }[] {
    return this.parts.flatMap((level, l) =>
      level.steps.flatMap((step, k) =>
        step.map((part) => ({ prefix: `level${l}/step${k}`, part })),
      ),
    );
  }

  /** log p(y) of pixels x (u from `rng`, else ½). Call inside `tf.tidy`. */
  private logDensity(x: tf.Tensor, rng: Rng | undefined): tf.Tensor {
    const images = tf.reshape(x, [-1, ...this.shape]);
    const u = rng === undefined ? 0.5 : rng.uniform([...images.shape]);
    const pre = pixelsToLogits(images, u, this.alpha);
    const { z, logDet } = this.encode(pre.v);
    const base = tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), -1)), 0.5 * this.dim * LOG_2PI);
    return tf.add(tf.add(base, logDet), pre.logDet);
  }

  /** Logits `[n, h, w, C]` → noise z `[n, D]` and the log-det `[n]`. Call inside `tf.tidy`. */
  private encode(v: tf.Tensor): { z: tf.Tensor; logDet: tf.Tensor } {
    const n = v.shape[0]!;
    let h = v;
    let logDet: tf.Tensor = tf.zeros([n]);
    const noise: tf.Tensor[] = [];
    this.parts.forEach((level, l) => {
      h = level.squeeze.forward(h);
      for (const step of level.steps) {
        for (const part of step) {
          const out = part.inverseAndLogDet(h);
          h = out.x;
          // ActNorm is per pixel ([n, h, w]); the image layers are per image ([n]).
          logDet = tf.add(logDet, out.logDet.rank === 1 ? out.logDet : tf.sum(out.logDet, [1, 2]));
        }
      }
      if (l < this.levels - 1) {
        const half = level.shape[2] / 2;
        const [kept, out] = tf.split(h, [half, half], -1) as [tf.Tensor, tf.Tensor];
        noise.push(tf.reshape(out, [n, -1]));
        h = kept;
      }
    });
    noise.push(tf.reshape(h, [n, -1]));
    return { z: tf.concat(noise, 1), logDet };
  }

  /** Noise z `[n, D]` → logits `[n, h, w, C]` (the inverse of `encode`). Call inside `tf.tidy`. */
  private decode(z: tf.Tensor): tf.Tensor {
    const n = z.shape[0]!;
    const pieces = tf.split(z, this.noiseSizes(), 1);
    let h = tf.reshape(pieces[this.levels - 1]!, [n, ...this.parts[this.levels - 1]!.shape]);
    for (let l = this.levels - 1; l >= 0; l--) {
      const level = this.parts[l]!;
      if (l < this.levels - 1) {
        const [lh, lw, lc] = level.shape;
        h = tf.concat([h, tf.reshape(pieces[l]!, [n, lh, lw, lc / 2])], -1);
      }
      for (const step of [...level.steps].reverse()) {
        for (const part of [...step].reverse()) h = part.forward(h);
      }
      h = level.squeeze.inverse(h);
    }
    return h;
  }

  /** Sizes of the noise pieces: the factored half of each level but the last, then the last. */
  private noiseSizes(): number[] {
    return this.parts.map(({ shape: [h, w, c] }, l) =>
      l < this.levels - 1 ? (h * w * c) / 2 : h * w * c,
    );
  }

  /** Live float32 pixels `[n, D]` or `[n, h, w, C]` in [0, 1] (values read once when checks are on). */
  private checkPixels(fn: string, arg: string, x: unknown): asserts x is tf.Tensor {
    this.assertLive(fn);
    if (!(x instanceof tf.Tensor) || x.isDisposed) {
      throw invalidArgument(fn, arg, x, 'must be a live tf.Tensor');
    }
    if (x.dtype !== 'float32') throw invalidArgument(fn, arg, x, 'must have dtype float32');
    const [h, w, c] = this.shape;
    const flat = x.rank === 2 && x.shape[1] === this.dim;
    const image = x.rank === 4 && tf.util.arraysEqual(x.shape.slice(1), [h, w, c]);
    if (!(flat || image) || x.shape[0] === 0) {
      throw new ShapeMismatchError(
        `${fn}: argument '${arg}' must have shape [n, ${this.dim}] or [n, ${h}, ${w}, ${c}], got [${x.shape.join(', ')}]`,
      );
    }
    if (!finiteChecksEnabled()) return;
    assertFiniteTensor(fn, arg, x);
    const range = tf.tidy(() => tf.stack([tf.min(x), tf.max(x)]));
    const [lo, hi] = range.dataSync() as Float32Array;
    range.dispose();
    if (!(lo! >= 0 && hi! <= 1)) {
      throw new InvalidArgumentError(
        `${fn}: argument '${arg}' must hold pixels in [0, 1] (level/255), got values from ${formatValue(lo)} to ${formatValue(hi)}`,
      );
    }
  }

  private assertLive(fn: string): void {
    if (this.disposed) throw new InvalidArgumentError(`${fn}: the flow has been disposed`);
  }
}

function partsOf(level: Level): LearnedBijector[] {
  return [level.squeeze, ...level.steps.flat()];
}

registerModel('@gen/flows', 'MultiscaleFlow', {
  new: (options) => new MultiscaleFlow(options as unknown as MultiscaleFlowOptions),
});
