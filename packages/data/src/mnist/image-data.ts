import { assertInteger, assertOneOf, FormatError, InvalidArgumentError, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { bernoulliBinarize, binarizeBytes, STATIC_BINARIZATION_SEED } from '../binarize.js';
import type { IdxArray } from '../idx/parse-idx.js';
import { resolveRng } from '../options.js';

/** How to binarise grey images: not at all, once with a fixed seed, or per batch. */
export type Binarize = false | 'static' | 'dynamic';

/** Options shared by `mnistFromIdx`, `loadMnist` and `loadFashionMnist`. */
export interface ImageDataOptions {
  /** false (grey levels, default), 'static' (fixed Bernoulli draw) or 'dynamic'. */
  binarize?: Binarize;
  /** Keep only the first `limit` examples (all when larger than the file). */
  limit?: number;
  /** 'static' only: draw from this Rng instead of `Rng.fromSeed(STATIC_BINARIZATION_SEED)`. */
  rng?: Rng;
  /** 'static' only: draw from `Rng.fromSeed(seed)`. */
  seed?: number;
}

/** Images flattened to `[n, pixels]` float32 in [0, 1] and int32 labels `[n]`; caller owns both. */
export interface ImageData {
  images: tf.Tensor2D;
  labels: tf.Tensor1D;
}

/**
 * With `binarize: 'dynamic'`: grey `images` plus the resampler to apply per batch, e.g.
 * `batches(data.images, { batchSize, rng, map: data.binarize })`.
 */
export interface DynamicImageData extends ImageData {
  binarize: (batch: tf.Tensor, rng: Rng) => tf.Tensor;
}

export const IMAGE_OPTIONS = ['binarize', 'limit', 'rng', 'seed'] as const;

/** Validated {@link ImageDataOptions}: the Rng is set for 'static' only. */
export interface CheckedImageOptions {
  binarize: Binarize;
  limit: number | undefined;
  rng: Rng | undefined;
}

/** Validates the binarisation options (before any file is read). */
export function checkImageOptions(fn: string, options: ImageDataOptions): CheckedImageOptions {
  const { binarize = false, limit } = options;
  if (binarize !== false) assertOneOf(fn, 'binarize', binarize, ['static', 'dynamic']);
  if (limit !== undefined) assertInteger(fn, 'limit', limit, 1);
  if (binarize !== 'static' && (options.rng !== undefined || options.seed !== undefined)) {
    throw new InvalidArgumentError(
      `${fn}: options 'rng' and 'seed' only apply to binarize: 'static', got binarize ${String(binarize)}`,
    );
  }
  const rng = binarize === 'static' ? resolveRng(fn, options, STATIC_BINARIZATION_SEED) : undefined;
  return { binarize, limit, rng };
}

/** Checks an images/labels pair and builds the tensors; `where` names the sources in errors. */
export async function buildImageData(
  fn: string,
  images: IdxArray,
  labels: IdxArray,
  { binarize, limit, rng }: CheckedImageOptions,
  where: { images: string; labels: string },
): Promise<ImageData | DynamicImageData> {
  if (images.dtype !== 'uint8' || images.shape.length < 2) {
    throw new FormatError(
      `${fn}: ${where.images} must hold uint8 images [n, rows, cols], got ${images.dtype} [${images.shape.join(', ')}]`,
    );
  }
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new FormatError(
      `${fn}: ${where.labels} must hold uint8 labels [n], got ${labels.dtype} [${labels.shape.join(', ')}]`,
    );
  }
  const total = images.shape[0]!;
  if (labels.shape[0] !== total) {
    throw new FormatError(
      `${fn}: count mismatch: ${where.images} holds ${total} images but ${where.labels} holds ${labels.shape[0]} labels`,
    );
  }
  const n = Math.min(limit ?? total, total);
  const pixels = images.shape.slice(1).reduce((a, b) => a * b, 1);
  const bytes = images.data.subarray(0, n * pixels) as Uint8Array;
  let values: Float32Array;
  if (rng !== undefined) {
    values = await binarizeBytes(bytes, n, pixels, rng);
  } else {
    values = new Float32Array(n * pixels);
    for (let i = 0; i < values.length; i++) values[i] = bytes[i]! / 255;
  }
  const data: ImageData = {
    images: tf.tensor2d(values, [n, pixels], 'float32'),
    labels: tf.tensor1d(Int32Array.from(labels.data.subarray(0, n)), 'int32'),
  };
  return binarize === 'dynamic' ? { ...data, binarize: bernoulliBinarize } : data;
}
