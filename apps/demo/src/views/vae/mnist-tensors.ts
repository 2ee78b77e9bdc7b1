import { Rng } from '@gen/core';
import { bernoulliBinarize } from '@gen/data';
import * as tf from '@tensorflow/tfjs-core';
import { fetchMnistAsset, MNIST_ASSETS, type MnistAsset } from './mnist-asset.js';

/** Held-out images used for the −ELBO metric (the first of the test asset). */
export const EVAL_SIZE = 256;

/** Seed of the one static binarisation of the test images. */
const TEST_BINARIZATION_SEED = 2015;

/** The view's data on the active backend; {@link disposeMnistTensors} releases it. */
export interface MnistTensors {
  /** Training images, grey levels in [0, 1]: [10 000, 784] (binarised per batch). */
  train: tf.Tensor2D;
  /** Test images binarised once: [1 000, 784]. */
  test: tf.Tensor2D;
  /** The first {@link EVAL_SIZE} rows of `test`. */
  evalBatch: tf.Tensor2D;
  /** Test labels (JS side, for the latent map's colours). */
  testLabels: Uint8Array;
  /**
   * Training labels (JS side), for a conditional model's one-hot conditions; absent where the
   * data came without them (a conditional `VaeTrainer` then refuses to start).
   */
  trainLabels?: Uint8Array;
}

/** Grey levels byte/255 as a [count, rows·cols] float32 tensor. */
export function assetToTensor(asset: MnistAsset): tf.Tensor2D {
  const pixels = asset.rows * asset.cols;
  const values = new Float32Array(asset.count * pixels);
  for (let i = 0; i < values.length; i++) values[i] = asset.images[i]! / 255;
  return tf.tensor2d(values, [asset.count, pixels]);
}

/** Fetches both assets (relative to the app's base URL) and uploads them to the backend. */
export async function loadMnistTensors(base: string, signal?: AbortSignal): Promise<MnistTensors> {
  const [trainAsset, testAsset] = await Promise.all([
    fetchMnistAsset(`${base}${MNIST_ASSETS.train.path}`, signal),
    fetchMnistAsset(`${base}${MNIST_ASSETS.test.path}`, signal),
  ]);
  const train = assetToTensor(trainAsset);
  const test = tf.tidy(() => {
    const grey = assetToTensor(testAsset);
    return bernoulliBinarize(grey, Rng.fromSeed(TEST_BINARIZATION_SEED)) as tf.Tensor2D;
  });
  const evalBatch = tf.slice(test, [0, 0], [Math.min(EVAL_SIZE, testAsset.count), -1]);
  return {
    train,
    test,
    evalBatch,
    testLabels: testAsset.labels,
    trainLabels: trainAsset.labels,
  };
}

/** Disposes the tensors of {@link loadMnistTensors}. */
export function disposeMnistTensors(data: MnistTensors): void {
  tf.dispose([data.train, data.test, data.evalBatch]);
}
