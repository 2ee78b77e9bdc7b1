import type { AdversarialModel, Batch, EmModel, HasWeights, Rng, Trainable } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { DataInfo } from '../data/datasets.js';

export const MODEL_NAMES = [
  'mixture',
  'made',
  'pixelcnn',
  'flow',
  'vae',
  'autoencoder',
  'gan',
] as const;
export type ModelName = (typeof MODEL_NAMES)[number];
export const ARCHS = ['mlp', 'conv'] as const;
export type Arch = (typeof ARCHS)[number];

/**
 * How a model is trained: `fit` (likelihood / ELBO, reconstruction), `fitAdversarial`, or
 * `fitEm`. A conditional model trains on `{ x, condition }` batches.
 */
export type Trainer =
  | { kind: 'fit'; model: Trainable<Batch> }
  | { kind: 'adversarial'; model: AdversarialModel<Batch>; discriminatorSteps: number }
  | { kind: 'em'; model: EmModel };

/** A model built for a data set, with what the CLI needs to train, evaluate and plot it. */
export interface BuiltModel {
  trainer: Trainer;
  weights: HasWeights;
  /** Maps flat rows `[n, dim]` to the model's input (e.g. `[n, 28, 28, 1]` for conv nets). */
  prepare(x: tf.Tensor): tf.Tensor;
  /**
   * `n` draws as flat rows `[n, dim]`, when the model samples; a conditional model draws row i
   * for row i of `condition` (`[n, conditionSize]`, one-hot classes), which it requires.
   */
  sample?(n: number, rng: Rng, condition?: tf.Tensor): tf.Tensor;
  /** Per-row log density (or a bound of it) of flat rows, for heatmaps. */
  density?: { label: string; logDensity(x: tf.Tensor): tf.Tensor };
  /** Reconstructions of flat rows (given their condition, for a conditional model), as flat rows. */
  reconstruct?(x: tf.Tensor, condition?: tf.Tensor): tf.Tensor;
  /**
   * Family-specific metrics on held-out flat rows (NLL, ELBO, IWAE, reconstruction error); a
   * conditional model scores them given their true labels `condition`.
   */
  metrics(x: tf.Tensor, rng: Rng, condition?: tf.Tensor): Promise<Record<string, number>>;
  dispose(): void;
}

/** Everything a family's `build` reads from the resolved run configuration. */
export interface BuildContext {
  data: DataInfo;
  arch: Arch;
  seed: number;
  loss: string | null;
  options: Record<string, unknown>;
  /** Columns of the condition of a conditional run (10 one-hot classes); null when unconditional. */
  conditionSize: number | null;
}

/** What an {@link OptionFlag}'s parser may look at besides the value. */
export interface FlagContext {
  data: DataInfo;
  arch: Arch;
  loss: string | null;
}

/**
 * A `gen train` flag that sets one model option (`--beta-anneal 500` → `options.betaAnneal`).
 * The same option is accepted in a --config file's `options`, through the same parser.
 */
export interface OptionFlag {
  /** The flag as commander reads it, with its value if any: `--beta-anneal <steps>`. */
  flags: string;
  /** The model option it sets (also commander's camelCase name of the flag). */
  option: string;
  /** One line for `gen train --help`. */
  description: string;
  /**
   * The option's stored value from a flag string (`true` for a switch) or a config-file value;
   * a bad value is a UsageError naming `source` (the flag or `--config: options.<key>`).
   */
  parse(source: string, value: unknown, context: FlagContext): unknown;
}

/** One model family of `gen train <model>`. */
export interface ModelFamily {
  name: ModelName;
  description: string;
  /** Architectures it can build; the first is the default for points, `imageArch` for images. */
  archs: readonly Arch[];
  imageArch: Arch;
  /** Data kinds it models; others are rejected naming --data (e.g. PixelCNN needs 28×28 images). */
  kinds: readonly DataInfo['kind'][];
  /** Image data is statically binarised for it (Bernoulli likelihoods). */
  binarize: boolean;
  /**
   * Whether these model options (flag or config values, as given) make a binarising family take
   * grey images instead (PixelCNN with a 256-level likelihood); absent: never.
   */
  greyWith?(options: Record<string, unknown>): boolean;
  /** Values --loss accepts, if any (the first is the default). */
  losses: readonly string[];
  /**
   * Architectures that build a class-conditional model for `--conditional` (conditionSize 10 on
   * the one-hot labels of mnist / fashion-mnist); empty when the family has none.
   */
  conditionalArchs: readonly Arch[];
  /** Model options this family also takes as flags (and as optional keys of `options`). */
  optionFlags: readonly OptionFlag[];
  /** Default steps, batch size, learning rate and model options for this data and arch. */
  defaults(data: DataInfo, arch: Arch): FamilyDefaults;
  build(context: BuildContext): BuiltModel;
}

export interface FamilyDefaults {
  steps: number;
  batchSize: number;
  lr: number;
  options: Record<string, unknown>;
}

/** Whether `family` binarises images given these model options (see {@link ModelFamily.greyWith}). */
export const binarizes = (family: ModelFamily, options: Record<string, unknown>): boolean =>
  family.binarize && !(family.greyWith?.(options) ?? false);

/** Rows per block in {@link rowValues}. */
const ROW_BLOCK = 100;

/**
 * The per-row values of `f` over `x`, computed on blocks of rows (`f` gets a slice and returns a
 * [rows] tensor, disposed here) so that evaluations with many samples per row stay bounded.
 * With `condition` (one row per row of `x`) `f` also gets the block's rows of it.
 */
export async function rowValues(
  x: tf.Tensor,
  f: (rows: tf.Tensor, condition?: tf.Tensor) => tf.Tensor,
  condition?: tf.Tensor,
): Promise<Float32Array> {
  const n = x.shape[0]!;
  const out = new Float32Array(n);
  for (let start = 0; start < n; start += ROW_BLOCK) {
    const size = Math.min(ROW_BLOCK, n - start);
    const rows = tf.slice(x, start, size);
    const labels = condition ? tf.slice(condition, start, size) : undefined;
    let values: tf.Tensor;
    try {
      values = f(rows, labels);
    } finally {
      tf.dispose(labels ? [rows, labels] : [rows]);
    }
    out.set(await values.data(), start);
    values.dispose();
  }
  return out;
}

/** Mean and standard error of the mean (sample std / √n; 0 for one value). */
export function meanAndError(values: ArrayLike<number>): { mean: number; standardError: number } {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
  return { mean, standardError: n > 1 ? Math.sqrt(squares / (n - 1) / n) : 0 };
}

/** Mean of a per-row tensor as a number; disposes the tensor. */
export async function meanOf(t: tf.Tensor): Promise<number> {
  const data = await t.data();
  t.dispose();
  let sum = 0;
  for (const v of data) sum += v;
  return sum / data.length;
}
