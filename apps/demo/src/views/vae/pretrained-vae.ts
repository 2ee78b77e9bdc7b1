import {
  FormatError,
  InvalidArgumentError,
  isModelConfig,
  MODEL_CONFIG_KEY,
  type ModelConfig,
  type NamedTensors,
} from '@gen/core';
import { fromSafetensors } from '@gen/nn';
import type { Vae } from '@gen/vae';
import * as tf from '@tensorflow/tfjs-core';
import { fetchBytes } from '../../shell/fetch-bytes.js';

/**
 * URL (relative to the app's base) of the trained VAE the view starts from: the repository's
 * released run `pretrained/vae-mnist-2d/model.safetensors` (784-256-2, Bernoulli decoder,
 * trained by `gen train vae` on all 60 000 dynamically binarised MNIST digits), copied into the
 * build by `scripts/pretrained-asset-plugin.ts`.
 */
export const PRETRAINED_VAE_PATH = 'pretrained/vae-mnist-2d.safetensors';

/** Options that shape no weight: a model differing only in these still takes the file's weights. */
const LOSS_ONLY_KEYS = new Set(['beta', 'klMethod', 'estimator', 'samples', 'seed']);

/** A trained VAE's weights on the backend (owned: {@link disposePretrainedVae}) and what it is. */
export interface PretrainedVae {
  weights: NamedTensors;
  /** The file's `gen.config`: how `Vae.mlp` built the trained model. */
  config: ModelConfig;
  /** Optimiser steps it was trained for (the `steps` of the run's `gen.run`), if stated. */
  steps: number | undefined;
  /** Its layer sizes, e.g. `784-256-2`. */
  architecture: string;
  /** The single hidden width and the latent size, for the view's controls. */
  hiddenSize: number;
  latentSize: number;
}

function stepsOf(run: string | undefined): number | undefined {
  if (run === undefined) return undefined;
  try {
    const steps = (JSON.parse(run) as { steps?: unknown }).steps;
    return typeof steps === 'number' && Number.isInteger(steps) && steps > 0 ? steps : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a safetensors file written by `gen train vae` (or `saveModel`) for an MLP VAE with one
 * hidden layer and uploads its weights. Throws FormatError (naming `decodePretrainedVae`) for
 * bytes that are not safetensors or hold another model; nothing stays allocated then.
 */
export function decodePretrainedVae(bytes: Uint8Array | ArrayBuffer): PretrainedVae {
  const fn = 'decodePretrainedVae';
  const { weights, metadata } = fromSafetensors(bytes);
  try {
    const text = metadata[MODEL_CONFIG_KEY];
    const config: unknown = text === undefined ? undefined : JSON.parse(text);
    if (!isModelConfig(config) || config.package !== '@gen/vae' || config.model !== 'Vae') {
      throw new FormatError(
        `${fn}: the file does not hold a Vae of @gen/vae (its ${MODEL_CONFIG_KEY} is ${text ?? 'missing'})`,
      );
    }
    const { inputSize, hiddenSizes, latentSize } = config.options;
    const [hiddenSize, ...deeper] = Array.isArray(hiddenSizes) ? hiddenSizes : [];
    if (
      typeof inputSize !== 'number' ||
      typeof latentSize !== 'number' ||
      typeof hiddenSize !== 'number' ||
      deeper.length > 0
    ) {
      throw new FormatError(
        `${fn}: the view shows MLP VAEs with one hidden layer; the file holds inputSize ${inputSize}, hiddenSizes ${JSON.stringify(hiddenSizes)}, latentSize ${latentSize}`,
      );
    }
    return {
      weights,
      config,
      steps: stepsOf(metadata['gen.run']),
      architecture: `${inputSize}-${hiddenSize}-${latentSize}`,
      hiddenSize,
      latentSize,
    };
  } catch (error) {
    tf.dispose(weights);
    if (error instanceof SyntaxError) {
      throw new FormatError(`${fn}: metadata '${MODEL_CONFIG_KEY}' is not JSON`, { cause: error });
    }
    throw error;
  }
}

/**
 * Fetches the trained VAE's file bytes (the page does, then moves them to the training worker);
 * a failed request throws naming `fetchPretrainedVae`, the URL and the status.
 */
export async function fetchPretrainedVaeBytes(
  url: string,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  return await fetchBytes('fetchPretrainedVae', url, signal);
}

/** Fetches and decodes the trained VAE; a failed request throws naming the URL and the status. */
export async function fetchPretrainedVae(
  url: string,
  signal?: AbortSignal,
): Promise<PretrainedVae> {
  return decodePretrainedVae(await fetchPretrainedVaeBytes(url, signal));
}

/**
 * Why `vae` cannot take the trained weights (its architecture options differ: layer sizes,
 * likelihood), as a sentence; undefined when they fit. β and the seed do not matter.
 */
export function pretrainedMismatch(pretrained: PretrainedVae, vae: Vae): string | undefined {
  const own = vae.toConfig();
  const file = pretrained.config;
  if (own.package !== file.package || own.model !== file.model || own.factory !== file.factory) {
    return `the trained model is a ${file.model}.${file.factory}, this one a ${own.model}.${own.factory}`;
  }
  const [ownCondition, fileCondition] = [own.options.conditionSize, file.options.conditionSize];
  if (ownCondition !== fileCondition && (ownCondition ?? fileCondition) !== undefined) {
    const kind = (c: unknown) =>
      c === undefined ? 'an unconditional VAE' : `a conditional VAE (conditionSize ${c})`;
    return `the trained model is ${kind(fileCondition)}; these settings ask for ${kind(ownCondition)}`;
  }
  const keys = new Set([...Object.keys(own.options), ...Object.keys(file.options)]);
  const differ = [...keys].filter(
    (key) =>
      !LOSS_ONLY_KEYS.has(key) &&
      JSON.stringify(own.options[key]) !== JSON.stringify(file.options[key]),
  );
  if (differ.length === 0) return undefined;
  const show = (options: ModelConfig['options']) =>
    differ.map((key) => `${key} ${JSON.stringify(options[key])}`).join(', ');
  return `the trained model has ${show(file.options)}; these settings ask for ${show(own.options)}`;
}

/**
 * Sets `vae`'s weights to the trained ones (copies by reference count: training `vae` leaves
 * `pretrained` as it was). Throws InvalidArgumentError naming `loadPretrainedVae` and the
 * mismatch when the architectures differ; `vae` is then unchanged.
 */
export function loadPretrainedVae(vae: Vae, pretrained: PretrainedVae): void {
  const mismatch = pretrainedMismatch(pretrained, vae);
  if (mismatch !== undefined) {
    throw new InvalidArgumentError(`loadPretrainedVae: 'vae' does not fit: ${mismatch}`);
  }
  vae.setWeights(pretrained.weights);
}

/** Disposes the trained weights. */
export function disposePretrainedVae(pretrained: PretrainedVae): void {
  tf.dispose(pretrained.weights);
}
