/**
 * The density playground's VAE: `Vae.mlp` with a 2-D latent and a Gaussian decoder of learned
 * variance, trained on the negative ELBO. Its heatmap is the ELBO per point, a lower bound of
 * log p(x).
 */
import { Rng } from '@gen/core';
import { Vae } from '@gen/vae';
import * as tf from '@tensorflow/tfjs-core';
import { ChunkTrainer, meanLoss } from './chunk-trainer.js';
import type { DensityModel, ModelSettings } from './model.js';

const HIDDEN = [64, 64];
const LATENT = 2;
/** Monte Carlo draws of z per grid point for the ELBO heatmap. */
const HEAT_SAMPLES = 8;
/** The decoder's lower bound on σ = softplus(ρ) + 1e-3 (packages/vae/README.md). */
const MIN_DECODER_SCALE = 1e-3;

/** `Vae.mlp` 2 → 64 → 64 → [μ, ρ] ∈ R² × R², decoder back to [μ, ρ] of x, behind {@link DensityModel}. */
export class VaeDensityModel implements DensityModel {
  readonly heatKind = 'elbo';
  readonly metricName = '−ELBO (nats, training units)';
  private readonly vae: Vae;
  readonly training: ChunkTrainer;

  constructor(settings: ModelSettings) {
    this.vae = Vae.mlp({
      inputSize: 2,
      hiddenSizes: HIDDEN,
      latentSize: LATENT,
      likelihood: { gaussian: 'learned' },
      seed: settings.seed,
    });
    this.training = new ChunkTrainer(
      this.vae,
      { batchSize: settings.batchSize, learningRate: settings.learningRate },
      { fromRow: (row) => row.loss!, measure: meanLoss(this.vae) },
      10,
    );
  }

  get stepsPerChunk(): number {
    return this.training.stepsPerChunk;
  }

  /** `n` Adam steps on minibatches; returns the mean −ELBO of the last chunk's batches (one z draw per point). */
  train(x: tf.Tensor2D, n: number, rng: Rng): Promise<number> {
    return this.training.train(x, n, rng);
  }

  /** ELBO per point (≤ log p(x)), averaged over a fixed set of z draws so frames don't flicker. */
  heat(points: tf.Tensor2D): tf.Tensor1D {
    return this.vae.elbo(points, {
      samples: HEAT_SAMPLES,
      rng: Rng.fromSeed(7),
    }) as tf.Tensor1D;
  }

  /** Ancestral draws: z ~ N(0, I), then x ~ N(μ(z), σ(z)²) with the decoder's learned σ. */
  sample(n: number, rng: Rng): tf.Tensor2D {
    return tf.tidy(() => {
      const [zRng, xRng] = rng.split(2) as [Rng, Rng];
      const out = this.vae.decoderOutput(zRng.normal([n, LATENT]));
      const [loc, raw] = tf.split(out, 2, -1) as [tf.Tensor2D, tf.Tensor2D];
      const scale = tf.add(tf.softplus(raw), MIN_DECODER_SCALE);
      return tf.add(loc, tf.mul(scale, xRng.normal([n, 2]))) as tf.Tensor2D;
    });
  }

  dispose(): void {
    this.training.dispose();
    this.vae.dispose();
  }
}
