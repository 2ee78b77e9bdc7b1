import type { Network } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { Likelihood } from './likelihood.js';

/** Options of `new VqVae`. */
export interface VqVaeOptions {
  /** Maps x: [n, ...dataShape] to z_e: [n, ...latentShape]; any `Network`. */
  encoder: Network;
  /**
   * Maps quantised latents [n, ...latentShape] to [n, ...dataShape] (last axis doubled for a
   * learned variance); any `Network`.
   */
  decoder: Network;
  /**
   * Shape of the encoder's output per example, e.g. [codes · embeddingSize] for a dense encoder
   * or [7, 7, embeddingSize] for a convolutional one. Its size must be a multiple of
   * `embeddingSize`: the output is read as size / embeddingSize code vectors, each quantised.
   */
  latentShape: readonly number[];
  /** K, the number of code vectors in the codebook. */
  codebookSize: number;
  /** D, the length of each code vector. */
  embeddingSize: number;
  likelihood: Likelihood;
  /** Weight β of the commitment loss ‖z_e − sg(e)‖² (default 0.25, the paper's). */
  commitment?: number;
  /** Shape of one example without the batch axis; data is checked against it when given. */
  dataShape?: readonly number[];
  /** Seed of the codebook's initial values (default 0). */
  seed?: number;
}

/** Options of `VqVae.mlp`. */
export interface VqVaeMlpOptions {
  inputSize: number;
  /** Encoder hidden widths; the decoder uses them reversed. */
  hiddenSizes: readonly number[];
  /** Code vectors per example (default 1): the encoder outputs codes · embeddingSize values. */
  codes?: number;
  embeddingSize: number;
  codebookSize: number;
  likelihood: Likelihood;
  /** Weight β of the commitment loss (default 0.25). */
  commitment?: number;
  /** Seed of the initial weights and codebook (default 0). */
  seed?: number;
}

export const VQ_VAE_KEYS = [
  'encoder',
  'decoder',
  'latentShape',
  'codebookSize',
  'embeddingSize',
  'likelihood',
  'commitment',
  'dataShape',
  'seed',
];

export const VQ_VAE_MLP_KEYS = [
  'inputSize',
  'hiddenSizes',
  'codes',
  'embeddingSize',
  'codebookSize',
  'likelihood',
  'commitment',
  'seed',
];

/** What {@link VqVae.codebookUsage} reports. */
export interface CodebookUsage {
  /** How many code vectors of the data chose each code, [K]. */
  counts: number[];
  /** Codes chosen at least once. */
  used: number;
  /**
   * exp(H(p)), H the entropy of the codes' empirical distribution p = counts / total: K when
   * every code is used equally, 1 when one code takes everything.
   */
  perplexity: number;
}

/** The per-example terms of the VQ-VAE loss, each [n]. */
export interface VqVaeLossTerms {
  /** −log p(x | z_q). */
  reconstruction: tf.Tensor;
  /** ‖sg(z_e) − e‖², summed over the example's code vectors (trains the codebook). */
  codebook: tf.Tensor;
  /** ‖z_e − sg(e)‖², summed likewise (unweighted; the loss multiplies it by β). */
  commitment: tf.Tensor;
}
