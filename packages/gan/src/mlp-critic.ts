import type { Rng } from '@gen/core';
import { Dense, getActivation, Module } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { type PowerIterated, SpectralDense } from './spectral-norm.js';

/**
 * How a conditional discriminator uses the condition c: `'projection'` (Miyato & Koyama 2018),
 * D(x, c) = ψ(φ(x)) + ⟨E c, φ(x)⟩ with φ the hidden layers, ψ the linear output and E a
 * learned embedding (one row per class for one-hot c); `'concat'`: D([x, c]), c as extra inputs.
 */
export type GanConditioning = 'projection' | 'concat';

/** The conditionings `Gan.mlp` accepts. */
export const GAN_CONDITIONINGS: readonly GanConditioning[] = ['projection', 'concat'];

/** Options of {@link MlpCritic}. */
export interface MlpCriticOptions {
  dataSize: number;
  /** Hidden widths (leaky ReLU), e.g. [128, 128]. */
  hiddenSizes: readonly number[];
  /** Columns of the condition appended to the input (none when left out). */
  conditionSize?: number;
  /** Default 'projection' (only with `conditionSize`). */
  conditioning?: GanConditioning;
  /** Spectral normalisation of every kernel, the embedding included (default false). */
  spectralNorm?: boolean;
  rng: Rng;
  /** Module name (default 'discriminator'). */
  name?: string;
}

/**
 * The MLP critic of `Gan.mlp` when it is spectrally normalised or projection-conditioned (the
 * plain and concatenation critics are a @gen/nn `Mlp`, whose weight names and initial weights this
 * one shares: layers `dense0`, `dense1`, …, each from its own split of `rng`). Input
 * `[n, dataSize (+ conditionSize)]`, the condition in the last columns; output `[n, 1]`. With
 * projection the embedding is the layer `embed` (conditionSize → the last hidden width, no bias).
 */
export class MlpCritic extends Module implements PowerIterated {
  readonly dataSize: number;
  readonly conditionSize: number;
  readonly conditioning: GanConditioning | null;
  readonly spectralNorm: boolean;
  private readonly layers: readonly Dense[];
  private readonly embed: Dense | null;
  private readonly activate = getActivation('leakyRelu');

  constructor(options: MlpCriticOptions) {
    super(options.name ?? 'discriminator');
    const { dataSize, hiddenSizes, conditionSize = 0, spectralNorm = false } = options;
    this.dataSize = dataSize;
    this.conditionSize = conditionSize;
    this.conditioning = conditionSize > 0 ? (options.conditioning ?? 'projection') : null;
    this.spectralNorm = spectralNorm;
    const projection = this.conditioning === 'projection';
    const sizes = [dataSize + (projection ? 0 : conditionSize), ...hiddenSizes, 1];
    const rngs = options.rng.split(sizes.length - 1 + (projection ? 1 : 0));
    const Layer = spectralNorm ? SpectralDense : Dense;
    const layers: Dense[] = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const name = `dense${l}`;
      layers.push(
        this.addModule(
          name,
          new Layer({ inputSize: sizes[l]!, outputSize: sizes[l + 1]!, rng: rngs[l]!, name }),
        ),
      );
    }
    this.layers = layers;
    this.embed = projection
      ? this.addModule(
          'embed',
          new Layer({
            inputSize: conditionSize,
            outputSize: sizes.at(-2)!,
            useBias: false,
            rng: rngs.at(-1)!,
            name: 'embed',
          }),
        )
      : null;
  }

  /** One logit per row of `input: [n, dataSize (+ conditionSize)]`: shape [n, 1]. */
  apply(input: tf.Tensor): tf.Tensor {
    this.assertLive('MlpCritic.apply');
    return tf.tidy(() => {
      const [x, c] =
        this.conditioning === 'projection'
          ? (tf.split(input, [this.dataSize, this.conditionSize], -1) as [tf.Tensor, tf.Tensor])
          : [input, null];
      const hidden = this.layers.slice(0, -1);
      const phi = hidden.reduce((h, layer) => this.activate(layer.apply(h)), x);
      const out = this.layers.at(-1)!.apply(phi);
      if (this.embed === null || c === null) return out;
      return tf.add(out, tf.sum(tf.mul(this.embed.apply(c), phi), -1, true));
    });
  }

  /** One power-iteration step for every kernel (spectral normalisation only; else nothing). */
  powerIteration(): void {
    this.assertLive('MlpCritic.powerIteration');
    for (const layer of [...this.layers, ...(this.embed === null ? [] : [this.embed])]) {
      if (layer instanceof SpectralDense) layer.powerIteration();
    }
  }
}
