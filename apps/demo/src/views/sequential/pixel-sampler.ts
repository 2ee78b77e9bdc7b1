/**
 * PixelCNN sampling one pixel at a time, so the view can animate it: the same draws as
 * `PixelCnn.sample` (one network pass per pixel in raster order, a Bernoulli draw u < σ(ℓ) from
 * the same Rng), split into steps of a few pixels, with the model's conditional probability
 * p(x_i = 1 | x_<i) of every pixel drawn kept beside the sample.
 */

import { PixelCnn } from '@gen/autoregressive';
import { FormatError, InvalidArgumentError, Rng, type RngState } from '@gen/core';
import { Bernoulli } from '@gen/distributions';
import { loadModel } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { fetchBytes } from '../../shell/fetch-bytes.js';

/** URL (relative to the app's base) of the released run `pretrained/pixelcnn-mnist`. */
export const PRETRAINED_PIXELCNN_PATH = 'pretrained/pixelcnn-mnist.safetensors';

/**
 * Rebuilds the trained PixelCNN from the bytes of a safetensors file written by `gen train
 * pixelcnn` (its `gen.config` names the architecture; `loadModel` of @gen/nn builds it). Throws
 * FormatError naming `decodePretrainedPixelCnn` when the file holds another model.
 */
export async function decodePretrainedPixelCnn(bytes: Uint8Array): Promise<PixelCnn> {
  const model = await loadModel(bytes);
  if (!(model instanceof PixelCnn)) {
    model.dispose();
    throw new FormatError('decodePretrainedPixelCnn: the file does not hold a PixelCnn');
  }
  return model;
}

/** Fetches and rebuilds the trained PixelCNN; a failed request throws naming URL and status. */
export async function fetchPretrainedPixelCnn(
  url: string,
  signal?: AbortSignal,
): Promise<PixelCnn> {
  return decodePretrainedPixelCnn(await fetchBytes('fetchPretrainedPixelCnn', url, signal));
}

/**
 * Where a {@link PixelSampler} stands, as plain data (it outlives the backend): the pixels and
 * probabilities drawn so far, the log-likelihoods, the next raster index and the Rng's state.
 * {@link PixelSampler.restore} continues it with the same draws as an uninterrupted run.
 */
export interface PixelSamplerState {
  n: number;
  position: number;
  pixels: Float32Array;
  probabilities: Float32Array;
  logLikelihood: Float64Array;
  rng: RngState;
}

/** log p of a Bernoulli outcome with P(1) = p, guarded against log 0. */
function logBernoulli(x: number, p: number): number {
  const q = x === 1 ? p : 1 - p;
  return Math.log(Math.max(q, Number.MIN_VALUE));
}

/**
 * A batch of `n` images being sampled pixel by pixel. Owns two tensors (the image so far and the
 * logits given it); {@link dispose} frees them. The model stays the caller's.
 */
export class PixelSampler {
  readonly n: number;
  readonly height: number;
  readonly width: number;
  /** Pixels drawn so far in each image, `[n·H·W]` row-major per image (0 where not yet drawn). */
  readonly pixels: Float32Array;
  /** p(x_i = 1 | x_<i) at each drawn pixel (NaN where not yet drawn). */
  readonly probabilities: Float32Array;
  /** Σ log p(x_i | x_<i) over the pixels drawn so far, per image (nats). */
  readonly logLikelihood: Float64Array;
  /** p(x_i = 1 | x_<i) of the next pixel i, per image (NaN once all are drawn). */
  readonly next: Float32Array;
  private position = 0;
  private image: tf.Tensor4D;
  private logits: tf.Tensor4D;
  private disposed = false;

  constructor(
    private readonly model: PixelCnn,
    n: number,
    private readonly rng: Rng,
    /** The images so far (restore only): the pixels of {@link state}. */
    start?: Float32Array,
  ) {
    if (!Number.isInteger(n) || n < 1) {
      throw new InvalidArgumentError(`PixelSampler: 'n' must be an integer ≥ 1, got ${n}`);
    }
    this.n = n;
    this.height = model.height;
    this.width = model.width;
    const size = n * this.height * this.width;
    this.pixels = new Float32Array(size);
    this.probabilities = new Float32Array(size).fill(Number.NaN);
    this.logLikelihood = new Float64Array(n);
    this.next = new Float32Array(n).fill(Number.NaN);
    if (start !== undefined) this.pixels.set(start);
    this.image =
      start === undefined
        ? tf.zeros([n, this.height, this.width, 1])
        : tf.tensor4d(start, [n, this.height, this.width, 1]);
    this.logits = model.apply(this.image) as tf.Tensor4D;
  }

  /**
   * Continues a sampler captured with {@link state} on `model` (the same network, possibly on
   * another backend): the image so far is rebuilt from the pixels drawn, its logits recomputed,
   * and the Rng resumes its stream, so the remaining draws are those of an uninterrupted run.
   */
  static async restore(model: PixelCnn, state: PixelSamplerState): Promise<PixelSampler> {
    const size = state.n * model.height * model.width;
    if (
      state.pixels.length !== size ||
      state.probabilities.length !== size ||
      state.logLikelihood.length !== state.n ||
      !Number.isInteger(state.position) ||
      state.position < 0 ||
      state.position > model.height * model.width
    ) {
      throw new InvalidArgumentError(
        `PixelSampler.restore: the state does not fit ${state.n} images of ${model.height}×${model.width} pixels`,
      );
    }
    const sampler = new PixelSampler(model, state.n, Rng.fromState(state.rng), state.pixels);
    sampler.position = state.position;
    sampler.probabilities.set(state.probabilities);
    sampler.logLikelihood.set(state.logLikelihood);
    await sampler.readNext();
    return sampler;
  }

  /** Where the sampler stands (copies; see {@link restore}). */
  state(): PixelSamplerState {
    return {
      n: this.n,
      position: this.position,
      pixels: this.pixels.slice(),
      probabilities: this.probabilities.slice(),
      logLikelihood: this.logLikelihood.slice(),
      rng: this.rng.getState(),
    };
  }

  /** Pixels drawn per image so far (raster index of the next pixel). */
  get drawn(): number {
    return this.position;
  }

  /** Pixels per image. */
  get size(): number {
    return this.height * this.width;
  }

  get done(): boolean {
    return this.position >= this.size;
  }

  /** Reads p(x_i = 1 | x_<i) of the next pixel into {@link next} (after construction). */
  async readNext(): Promise<void> {
    if (this.done) {
      this.next.fill(Number.NaN);
      return;
    }
    const p = this.nextProbability();
    const values = await p.data();
    p.dispose();
    this.next.set(values);
  }

  /**
   * Draws the next `count` pixels of every image (fewer at the end): one network pass each, on
   * the image so far (the masks never look ahead), then one read-back of the draws and their
   * probabilities. Resolves with the number of pixels drawn per image.
   */
  async step(count: number): Promise<number> {
    if (this.disposed) throw new InvalidArgumentError('PixelSampler.step: the sampler is disposed');
    if (!Number.isInteger(count) || count < 1) {
      throw new InvalidArgumentError(
        `PixelSampler.step: 'count' must be an integer ≥ 1, got ${count}`,
      );
    }
    const start = this.position;
    const todo = Math.min(count, this.size - start);
    if (todo === 0) return 0;
    const { n, height: h, width: w } = this;
    const drawsAndProbs: tf.Tensor[] = [];
    for (let k = 0; k < todo; k++) {
      const i = start + k;
      const r = Math.floor(i / w);
      const c = i % w;
      const { image, pair } = tf.tidy(() => {
        const logit = tf.slice(this.logits, [0, r, c, 0], [n, 1, 1, 1]);
        const draw = new Bernoulli({ logits: logit, validateArgs: false }).sample(1, this.rng);
        const spot = new Float32Array(h * w);
        spot[i] = 1;
        const added = tf.mul(tf.reshape(draw, [n, 1, 1, 1]), tf.tensor4d(spot, [1, h, w, 1]));
        return {
          image: tf.add(this.image, added) as tf.Tensor4D,
          pair: tf.stack([tf.reshape(draw, [n]), tf.reshape(tf.sigmoid(logit), [n])]),
        };
      });
      this.image.dispose();
      this.image = image;
      drawsAndProbs.push(pair);
      // The logits given the new prefix, for the next pixel (none after the last one).
      if (i + 1 < this.size) {
        const logits = this.model.apply(image) as tf.Tensor4D;
        this.logits.dispose();
        this.logits = logits;
      }
    }
    const both = tf.tidy(() => tf.stack(drawsAndProbs)); // [todo, 2, n]
    tf.dispose(drawsAndProbs);
    const nextP = start + todo < this.size ? this.nextProbabilityAt(start + todo) : null;
    const [values, nextValues] = await Promise.all([both.data(), nextP?.data()]);
    both.dispose();
    nextP?.dispose();
    for (let k = 0; k < todo; k++) {
      const i = start + k;
      for (let j = 0; j < n; j++) {
        const x = values[k * 2 * n + j]!;
        const p = values[(k * 2 + 1) * n + j]!;
        this.pixels[j * h * w + i] = x;
        this.probabilities[j * h * w + i] = p;
        this.logLikelihood[j] = this.logLikelihood[j]! + logBernoulli(x, p);
      }
    }
    this.position = start + todo;
    if (nextValues === undefined) this.next.fill(Number.NaN);
    else this.next.set(nextValues);
    return todo;
  }

  /** The images drawn so far, `[n, H·W]` (pixels not yet drawn are 0); the caller owns it. */
  images(): tf.Tensor2D {
    return tf.reshape(this.image, [this.n, this.size]) as tf.Tensor2D;
  }

  private nextProbability(): tf.Tensor {
    return this.nextProbabilityAt(this.position);
  }

  private nextProbabilityAt(i: number): tf.Tensor {
    const r = Math.floor(i / this.width);
    const c = i % this.width;
    return tf.tidy(() =>
      tf.reshape(tf.sigmoid(tf.slice(this.logits, [0, r, c, 0], [this.n, 1, 1, 1])), [this.n]),
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.image.dispose();
    this.logits.dispose();
  }
}
