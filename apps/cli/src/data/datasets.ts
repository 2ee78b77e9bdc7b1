import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { makeToy, TOY_NAMES, type ToyName } from '@gen/data';
import { FASHION_MNIST_DIR, loadCsv, loadFashionMnist, loadMnist } from '@gen/data/node';
import * as tf from '@tensorflow/tfjs-core';
import { UsageError } from '../errors.js';

/** 2-D toy data sets (`mixture1d` is 1-D and left out: the plots and flows assume d ≥ 2). */
export const TOY_DATASETS = TOY_NAMES.filter((n) => n !== 'mixture1d') as readonly ToyName[];
export const IMAGE_DATASETS = ['mnist', 'fashion-mnist'] as const;

/** What a model needs to know about its data. */
export interface DataInfo {
  /** The --data value (a csv path is stored absolute). */
  name: string;
  kind: 'points' | 'images';
  /** Features per row: 2 for toys, 784 for images, the column count for CSV. */
  dim: number;
  /** Rows in the training set. */
  n: number;
}

/** Classes of the labelled image data sets (digits, clothing types), one-hot in a condition. */
export const CLASS_COUNT = 10;

/**
 * A loaded data set: rows `[n, dim]`, for a conditional run the one-hot labels, and for
 * Gaussian-mixture toys the modes.
 */
export interface Dataset {
  x: tf.Tensor2D;
  info: DataInfo;
  /** One-hot class labels `[n, CLASS_COUNT]` (float32), loaded for conditional runs only. */
  condition?: tf.Tensor2D;
  centers?: number[][];
  std?: number;
}

export interface LoadOptions {
  /** Keep at most this many rows (toys: draw this many, default 2000 train / 2000 test). */
  limit: number | null;
  split: 'train' | 'test';
  /** Static binarisation of images (for Bernoulli models). */
  binarize: boolean;
  /** Also load the class labels, one-hot (images only; the caller checks the data has them). */
  labels?: boolean;
}

const TOY_ROWS = 2000;
// Distinct seeds for the training and the held-out draw of a toy data set.
const TOY_SEEDS = { train: 1, test: 2 } as const;

/** Integer class labels `[n]` as float32 one-hot rows `[n, CLASS_COUNT]`. */
export const oneHot = (labels: tf.Tensor1D): tf.Tensor2D =>
  tf.tidy(
    () => tf.cast(tf.oneHot(tf.cast(labels, 'int32'), CLASS_COUNT), 'float32') as tf.Tensor2D,
  );

/** Whether a --data value names a labelled data set (a condition for `--conditional`). */
export const hasLabels = (name: string): boolean =>
  (IMAGE_DATASETS as readonly string[]).includes(name);

/** Normalises a --data value: a CSV path becomes absolute; names are checked. */
export function resolveDataName(value: string): string {
  if (value.toLowerCase().endsWith('.csv')) {
    const path = resolve(value);
    if (!existsSync(path)) throw new UsageError(`--data: cannot read CSV file '${path}' (ENOENT)`);
    return path;
  }
  const known = [...TOY_DATASETS, ...IMAGE_DATASETS] as readonly string[];
  if (!known.includes(value)) {
    throw new UsageError(
      `--data: unknown dataset ${JSON.stringify(value)}; expected one of ${known.join(', ')} or a .csv file`,
    );
  }
  if (value === 'fashion-mnist' && !existsSync(FASHION_MNIST_DIR)) {
    throw new UsageError(
      `--data: fashion-mnist needs ${FASHION_MNIST_DIR}, which is missing; install it with 'apt-get install dataset-fashion-mnist'`,
    );
  }
  return value;
}

function hasHeader(path: string): boolean {
  const first = readFileSync(path, 'utf8').split(/\r?\n/, 1)[0] ?? '';
  return first.split(',').some((f) => f.trim() !== '' && !Number.isFinite(Number(f)));
}

function loadCsvRows(path: string, limit: number | null): Dataset {
  let x: tf.Tensor2D;
  try {
    x = loadCsv(path, { header: hasHeader(path) }).x as tf.Tensor2D;
  } catch (error) {
    throw new UsageError(`--data: ${(error as Error).message}`);
  }
  if (limit !== null && limit < x.shape[0]) {
    const kept = tf.slice(x, [0, 0], [limit, x.shape[1]]);
    x.dispose();
    x = kept;
  }
  if (x.shape[0] < 2 || x.shape[1] < 1) {
    x.dispose();
    throw new UsageError(`--data: '${path}' needs at least 2 rows of numbers`);
  }
  const info: DataInfo = { name: path, kind: 'points', dim: x.shape[1], n: x.shape[0] };
  return { x, info };
}

/**
 * Loads a data set by its --data name: a 2-D toy of @gen/data (seeded), MNIST or Fashion-MNIST
 * (`[n, 784]` in [0, 1], statically binarised on request) or the numeric columns of a CSV file.
 * Failures are {@link UsageError}s that name --data.
 */
export async function loadDataset(name: string, options: LoadOptions): Promise<Dataset> {
  if (name.endsWith('.csv')) return loadCsvRows(name, options.limit);
  if ((TOY_DATASETS as readonly string[]).includes(name)) {
    const n = options.limit ?? TOY_ROWS;
    const toy = makeToy(name as ToyName, { n, seed: TOY_SEEDS[options.split] });
    const info: DataInfo = { name, kind: 'points', dim: 2, n };
    const std = typeof toy.std === 'number' ? toy.std : undefined;
    return {
      x: toy.x as tf.Tensor2D,
      info,
      ...(toy.centers ? { centers: toy.centers as number[][] } : {}),
      ...(std === undefined ? {} : { std }),
    };
  }
  const load = name === 'mnist' ? loadMnist : loadFashionMnist;
  try {
    const data = await load({
      split: options.split,
      binarize: options.binarize ? 'static' : false,
      ...(options.limit === null ? {} : { limit: options.limit }),
    });
    const condition = options.labels ? oneHot(data.labels) : undefined;
    data.labels.dispose();
    const x = data.images as tf.Tensor2D;
    return {
      x,
      info: { name, kind: 'images', dim: x.shape[1], n: x.shape[0] },
      ...(condition ? { condition } : {}),
    };
  } catch (error) {
    throw new UsageError(`--data: ${(error as Error).message}`);
  }
}
