/**
 * The released DCGAN the view starts from: `pretrained/dcgan-mnist` (`Gan.dcgan`, latent size
 * 64, width 32, batch norm, non-saturating loss, 9000 steps of `gen train gan --arch conv`),
 * copied into the build by `scripts/pretrained-asset-plugin.ts`. Read with @gen/nn's
 * `fromSafetensors`; the file's `gen.config` must describe the model the view builds, as the CLI
 * checks a released run's `gen.config` against its config.json before `setWeights`.
 */
import {
  FormatError,
  InvalidArgumentError,
  isModelConfig,
  MODEL_CONFIG_KEY,
  MODEL_STATE_KEY,
  type ModelConfig,
  type ModelState,
  type NamedTensors,
} from '@gen/core';
import type { Gan, GanDcganOptions } from '@gen/gan';
import { fromSafetensors } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { fetchBytes } from '../../shell/fetch-bytes.js';

/** URL (relative to the app's base) of the released weights; the plugin emits them there. */
export const PRETRAINED_DCGAN_PATH = 'pretrained/dcgan-mnist.safetensors';

/**
 * The model of the released run (its `config.json`: `options` and `loss`), which the view builds
 * whether it starts from the trained weights or from scratch.
 */
export const DCGAN_OPTIONS: Readonly<GanDcganOptions> = {
  latentSize: 64,
  width: 32,
  batchNorm: true,
  loss: 'non-saturating',
  seed: 0,
};

/**
 * Options that shape no weight (the loss and its settings, the initial-weight seed): a model
 * differing only in these still takes the file's weights.
 */
const WEIGHTLESS_KEYS = new Set([
  'seed',
  'loss',
  'discriminatorSteps',
  'clipValue',
  'gradientPenalty',
  'r1Penalty',
  'instanceNoise',
  'labelSmoothing',
]);

/** The trained weights on the backend (owned: {@link disposePretrainedDcgan}) and what they are. */
export interface PretrainedDcgan {
  weights: NamedTensors;
  /** The file's `gen.config`: how `Gan.dcgan` built the trained model. */
  config: ModelConfig;
  /** The file's `gen.state` (the Gan's discriminator-update count), if any. */
  state: ModelState | undefined;
  /** Generator steps it was trained for (`steps` of the file's `gen.run`), if stated. */
  steps: number | undefined;
  /** In words: `latent 64, width 32, batch norm`. */
  architecture: string;
}

function parseJson(fn: string, metadata: Record<string, string>, key: string): unknown {
  const text = metadata[key];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new FormatError(`${fn}: metadata '${key}' is not JSON`, { cause });
  }
}

/** In words, the architecture options of a `Gan.dcgan` config. */
export function describeDcgan(options: ModelConfig['options']): string {
  const { latentSize, width, discriminatorWidth, batchNorm } = options;
  const parts = [`latent ${String(latentSize)}`, `width ${String(width ?? 32)}`];
  if (discriminatorWidth !== undefined) parts.push(`critic width ${String(discriminatorWidth)}`);
  parts.push(batchNorm === true ? 'batch norm' : 'no batch norm');
  return parts.join(', ');
}

/**
 * Reads a safetensors file written by `gen train gan --arch conv` (or `modelToSafetensors` of a
 * `Gan.dcgan`) and uploads its weights. Throws FormatError naming `decodePretrainedDcgan` for
 * bytes that are not safetensors or hold another model; nothing stays allocated then.
 */
export function decodePretrainedDcgan(bytes: Uint8Array | ArrayBuffer): PretrainedDcgan {
  const fn = 'decodePretrainedDcgan';
  let decoded: ReturnType<typeof fromSafetensors>;
  try {
    decoded = fromSafetensors(bytes);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new FormatError(`${fn}: not a safetensors file: ${message}`, { cause });
  }
  const { weights, metadata } = decoded;
  try {
    const config = parseJson(fn, metadata, MODEL_CONFIG_KEY);
    if (
      !isModelConfig(config) ||
      config.package !== '@gen/gan' ||
      config.model !== 'Gan' ||
      config.factory !== 'dcgan'
    ) {
      throw new FormatError(
        `${fn}: the file does not hold a Gan.dcgan of @gen/gan (its ${MODEL_CONFIG_KEY} is ${metadata[MODEL_CONFIG_KEY] ?? 'missing'})`,
      );
    }
    const state = parseJson(fn, metadata, MODEL_STATE_KEY);
    if (state !== undefined && (state === null || typeof state !== 'object')) {
      throw new FormatError(`${fn}: metadata '${MODEL_STATE_KEY}' must be an object`);
    }
    const run = parseJson(fn, metadata, 'gen.run') as { steps?: unknown } | undefined;
    const steps =
      typeof run?.steps === 'number' && Number.isSafeInteger(run.steps) && run.steps > 0
        ? run.steps
        : undefined;
    return {
      weights,
      config,
      state: state as ModelState | undefined,
      steps,
      architecture: describeDcgan(config.options),
    };
  } catch (error) {
    tf.dispose(weights);
    throw error;
  }
}

/**
 * Fetches the trained DCGAN's file (the view does so in the page, relative to its base, and hands
 * the bytes to its training worker); a failed request throws naming the URL and the status.
 */
export async function fetchPretrainedDcganBytes(
  url: string,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  return await fetchBytes('fetchPretrainedDcgan', url, signal);
}

/** Fetches and decodes the trained DCGAN; a failed request throws naming the URL and the status. */
export async function fetchPretrainedDcgan(
  url: string,
  signal?: AbortSignal,
): Promise<PretrainedDcgan> {
  return decodePretrainedDcgan(await fetchPretrainedDcganBytes(url, signal));
}

/**
 * Why `gan` cannot take the trained weights (another factory or architecture option), as a
 * sentence; undefined when they fit. The loss and the seed do not matter.
 */
export function pretrainedMismatch(pretrained: PretrainedDcgan, gan: Gan): string | undefined {
  const own = gan.toConfig();
  const file = pretrained.config;
  if (own.package !== file.package || own.model !== file.model || own.factory !== file.factory) {
    return `the trained model is a ${file.model}.${file.factory}, this one a ${own.model}.${own.factory}`;
  }
  const keys = new Set([...Object.keys(own.options), ...Object.keys(file.options)]);
  const differ = [...keys]
    .filter(
      (key) =>
        !WEIGHTLESS_KEYS.has(key) &&
        JSON.stringify(own.options[key]) !== JSON.stringify(file.options[key]),
    )
    .sort();
  if (differ.length === 0) return undefined;
  const show = (options: ModelConfig['options']) =>
    differ.map((key) => `${key} ${JSON.stringify(options[key]) ?? 'unset'}`).join(', ');
  return `the trained model has ${show(file.options)}; this one ${show(own.options)}`;
}

/**
 * Sets `gan`'s weights (both networks and the generator's batch-norm running statistics) and
 * state to the trained ones; training `gan` leaves `pretrained` as it was. Throws
 * InvalidArgumentError naming `loadPretrainedDcgan` when the architectures differ; `gan` is then
 * unchanged.
 */
export function loadPretrainedDcgan(gan: Gan, pretrained: PretrainedDcgan): void {
  const mismatch = pretrainedMismatch(pretrained, gan);
  if (mismatch !== undefined) {
    throw new InvalidArgumentError(`loadPretrainedDcgan: 'gan' does not fit: ${mismatch}`);
  }
  gan.setWeights(pretrained.weights);
  if (pretrained.state !== undefined) gan.setState(pretrained.state);
}

/** Disposes the trained weights. */
export function disposePretrainedDcgan(pretrained: PretrainedDcgan): void {
  tf.dispose(pretrained.weights);
}
