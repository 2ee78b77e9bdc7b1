import type { AdversarialModel, EmModel, HasWeights, Rng, Trainable } from '@gen/core';
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

/** How a model is trained: `fit` (likelihood / ELBO, reconstruction), `fitAdversarial`, or `fitEm`. */
export type Trainer =
  | { kind: 'fit'; model: Trainable }
  | { kind: 'adversarial'; model: AdversarialModel; discriminatorSteps: number }
  | { kind: 'em'; model: EmModel };

/** A model built for a data set, with what the CLI needs to train, evaluate and plot it. */
export interface BuiltModel {
  trainer: Trainer;
  weights: HasWeights;
  /** Maps flat rows `[n, dim]` to the model's input (e.g. `[n, 28, 28, 1]` for conv nets). */
  prepare(x: tf.Tensor): tf.Tensor;
  /** `n` draws as flat rows `[n, dim]`, when the model samples. */
  sample?(n: number, rng: Rng): tf.Tensor;
  /** Per-row log density (or a bound of it) of flat rows, for heatmaps. */
  density?: { label: string; logDensity(x: tf.Tensor): tf.Tensor };
  /** Reconstructions of flat rows, as flat rows. */
  reconstruct?(x: tf.Tensor): tf.Tensor;
  /** Family-specific metrics on held-out flat rows (NLL, ELBO, IWAE, reconstruction error). */
  metrics(x: tf.Tensor, rng: Rng): Promise<Record<string, number>>;
  dispose(): void;
}

/** Everything a family's `build` reads from the resolved run configuration. */
export interface BuildContext {
  data: DataInfo;
  arch: Arch;
  seed: number;
  loss: string | null;
  options: Record<string, unknown>;
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
  /** Values --loss accepts, if any (the first is the default). */
  losses: readonly string[];
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

/** Rows per block in {@link rowValues}. */
const ROW_BLOCK = 100;

/**
 * The per-row values of `f` over `x`, computed on blocks of rows (`f` gets a slice and returns a
 * [rows] tensor, disposed here) so that evaluations with many samples per row stay bounded.
 */
export async function rowValues(
  x: tf.Tensor,
  f: (rows: tf.Tensor) => tf.Tensor,
): Promise<Float32Array> {
  const n = x.shape[0]!;
  const out = new Float32Array(n);
  for (let start = 0; start < n; start += ROW_BLOCK) {
    const size = Math.min(ROW_BLOCK, n - start);
    const rows = tf.slice(x, start, size);
    const values = f(rows);
    rows.dispose();
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
