import type { GradientEstimator } from '@gen/core';
import { invalidArgument } from '@gen/core';
import type { Module } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import type { Likelihood } from './likelihood.js';

type Shared = Pick<VaeOptions, 'beta' | 'klMethod' | 'estimator' | 'samples'>;

export interface VaeMlpOptions extends Shared {
  inputSize: number;
  /** Encoder hidden widths, e.g. [500, 500]; the decoder uses them reversed. */
  hiddenSizes: readonly number[];
  latentSize: number;
  likelihood: Likelihood;
  /** Seed of the initial weights and of the training noise (default 0). */
  seed?: number;
}

export interface VaeConvOptions extends Shared {
  latentSize: number;
  likelihood: Likelihood;
  /** Image channels (default 1). */
  channels?: number;
  seed?: number;
}

/** x as a batch of one: unbatched data gains a leading axis; a batch keeps its first row. */
export function asBatch(fn: string, arg: string, x: unknown): tf.Tensor {
  if (!(x instanceof tf.Tensor) || x.isDisposed) {
    throw invalidArgument(fn, arg, x, 'must be a live tf.Tensor');
  }
  return x.rank >= 2 && x.shape[0] === 1 ? x : tf.expandDims(x, 0);
}

export interface VaeOptions {
  /** Maps x: [n, ...dataShape] to [n, 2·latentSize] (mean and pre-softplus scale). */
  encoder: Module;
  /** Maps z: [m, latentSize] to [m, ...dataShape] (last axis doubled for a learned variance). */
  decoder: Module;
  latentSize: number;
  likelihood: Likelihood;
  /** Weight β of the KL term in the training loss (default 1; β-VAE for β > 1). */
  beta?: number;
  /** KL(q‖p) in closed form through the KL registry, or by Monte Carlo (default 'analytic'). */
  klMethod?: 'analytic' | 'monte-carlo';
  /** Gradient estimator of the reconstruction term (default pathwise()). */
  estimator?: GradientEstimator;
  /** Monte Carlo samples per example in `loss` (default 1). */
  samples?: number;
  /** Seed of the generator `loss` uses when called without an rng (default 0). */
  seed?: number;
}

export const VAE_KEYS = [
  'encoder',
  'decoder',
  'latentSize',
  'likelihood',
  'beta',
  'klMethod',
  'estimator',
  'samples',
  'seed',
];
