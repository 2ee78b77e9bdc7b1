// Types of image-quality.mjs, for the TypeScript tests that score committed runs with it.
import type { Module } from '@gen/nn';
import type * as tf from '@tensorflow/tfjs-core';

/** The pretrained classifier's weights (pretrained/mnist-classifier/model.safetensors). */
export const CLASSIFIER_PATH: string;

/** The MNIST classifier of bench/quality/classifier.mjs. */
export interface MnistClassifierModel extends Module {
  featuresAndLogits(images: tf.Tensor): { features: tf.Tensor; logits: tf.Tensor };
}

/** The pretrained classifier (or the one at `path`); the caller disposes it. */
export function loadClassifier(path?: string): Promise<MnistClassifierModel>;

export interface ImageQualityOptions {
  classifier?: MnistClassifierModel;
  reference?: tf.Tensor;
  referenceSize?: number;
  binarized?: boolean;
  labels?: number[];
}

export interface ImageQuality {
  frechet: number;
  confident: number;
  classShares: number[];
  meanMaxProbability: number;
  classAccuracy?: number;
  perClassAccuracy?: (number | null)[];
  n: number;
  reference: { description: string; n: number; binarized: boolean };
}

/** Scores `images` [n, 784] in [0, 1] with the classifier (see image-quality.mjs). */
export function imageQuality(
  images: tf.Tensor,
  options?: ImageQualityOptions,
): Promise<ImageQuality>;

/** The metric on real data: `{ grey, binarized }`. */
export function referenceQuality(options?: {
  n?: number;
  classifier?: MnistClassifierModel;
}): Promise<{ grey: ImageQuality; binarized: ImageQuality }>;
