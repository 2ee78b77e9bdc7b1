/**
 * The mode-collapse view's model: a `Gan.mlp` on the ring of 8 or the grid of 25 with two Adam
 * optimisers, trained by hand-written alternating steps (k discriminator updates per generator
 * update) and scored with `modeCoverage` on a fixed batch of latent draws.
 */
import { Rng } from '@gen/core';
import { makeToy } from '@gen/data';
import { Gan, type ModeCoverage, modeCoverage } from '@gen/gan';
import * as tf from '@tensorflow/tfjs-core';
import { dataScale, ganOptions, type ModeCollapseSettings } from './settings.js';

/** Training points drawn once per run. */
const N_TRAIN = 2048;
/** Samples scored (and drawn) per evaluation. */
export const N_EVAL = 1000;
const EVAL_SEED = 7919;

/** Losses of the last step. */
export interface StepLosses {
  discriminator: number;
  generator: number;
}

/** One evaluation: samples in data units and their coverage of the modes. */
export interface Evaluation {
  samples: number[][];
  coverage: ModeCoverage;
}

/** A GAN, its data and its optimisers; `dispose()` frees every tensor. */
export class ModeCollapseTrainer {
  readonly centers: number[][];
  readonly std: number;
  readonly settings: ModeCollapseSettings;
  private readonly x: tf.Tensor2D;
  private readonly gan: Gan;
  private readonly dOpt: tf.Optimizer;
  private readonly gOpt: tf.Optimizer;
  private readonly rng: Rng;
  /** Generator steps done. */
  steps = 0;

  constructor(settings: ModeCollapseSettings) {
    this.settings = settings;
    const toy = makeToy(settings.dataset, { n: N_TRAIN, seed: settings.seed });
    this.centers = toy.centers ?? [];
    this.std = typeof toy.std === 'number' ? toy.std : 0;
    this.x = tf.tidy(() => tf.div(toy.x, dataScale(settings.dataset)) as tf.Tensor2D);
    toy.x.dispose();
    this.gan = Gan.mlp(ganOptions(settings));
    const { learningRate } = settings;
    this.dOpt = tf.train.adam(learningRate, 0.5, 0.999, 1e-7);
    this.gOpt = tf.train.adam(learningRate, 0.5, 0.999, 1e-7);
    this.rng = Rng.fromSeed(settings.seed + 1);
  }

  /** Runs `n` generator steps (each after k discriminator steps); reads the last losses. */
  async train(n: number): Promise<StepLosses> {
    const { batchSize, discriminatorSteps } = this.settings;
    let d: tf.Scalar | null = null;
    let g: tf.Scalar | null = null;
    for (let step = 0; step < n; step += 1) {
      for (let k = 0; k < discriminatorSteps; k += 1) {
        const batch = this.batch(batchSize);
        d?.dispose();
        d = this.dOpt.minimize(
          () => this.gan.discriminatorLoss(batch, this.rng),
          true,
          this.gan.discriminatorVariables,
        );
        batch.dispose();
        this.gan.afterDiscriminatorStep();
      }
      g?.dispose();
      g = this.gOpt.minimize(
        () => this.gan.generatorLoss(batchSize, this.rng),
        true,
        this.gan.generatorVariables,
      );
      this.steps += 1;
    }
    const losses = {
      discriminator: d === null ? Number.NaN : (await d.data())[0]!,
      generator: g === null ? Number.NaN : (await g.data())[0]!,
    };
    tf.dispose([d, g].filter((t): t is tf.Scalar => t !== null));
    return losses;
  }

  /** Samples the generator on fixed latent draws (data units) and scores mode coverage. */
  async evaluate(): Promise<Evaluation> {
    const scale = dataScale(this.settings.dataset);
    const drawn = tf.tidy(() => tf.mul(this.gan.sample(N_EVAL, Rng.fromSeed(EVAL_SEED)), scale));
    const samples = (await drawn.array()) as number[][];
    drawn.dispose();
    return { samples, coverage: modeCoverage(samples, this.centers, this.std) };
  }

  dispose(): void {
    this.x.dispose();
    this.gan.dispose();
    this.dOpt.dispose();
    this.gOpt.dispose();
  }

  private batch(size: number): tf.Tensor2D {
    const n = this.x.shape[0];
    const indices = new Int32Array(size);
    for (let i = 0; i < size; i += 1) indices[i] = this.rng.int(n);
    return tf.tidy(() => tf.gather(this.x, tf.tensor1d(indices, 'int32')));
  }
}
