import {
  type AdversarialModel,
  assertInteger,
  assertTensor,
  InvalidArgumentError,
  type NamedTensors,
  Rng,
  ShapeMismatchError,
} from '@gen/core';
import type { Module } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { criticLoss } from './critic-loss.js';
import { dcganOptions, mlpOptions } from './factories.js';
import { type GanLoss, generatorObjective } from './losses.js';
import {
  assertModule,
  assertObject,
  type GanDcganOptions,
  type GanMlpOptions,
  type GanOptions,
  type ParsedTraining,
  parseTraining,
  TRAINING_KEYS,
} from './options.js';
import { clipWeights, joinWeights, splitWeights } from './weights.js';

/**
 * A generative adversarial network (Goodfellow et al. 2014) with z ∼ N(0, I) and one of the
 * losses of {@link GanLoss}. D outputs logits: D(x) = σ(logit) for the JS-type losses, a raw critic
 * for the others. Implements `AdversarialModel`, so @gen/train trains it:
 *
 * ```ts
 * const gan = Gan.mlp({ dataSize: 2, latentSize: 8, hiddenSizes: [64, 64], loss: 'wasserstein' });
 * await fitAdversarial(gan, x, {
 *   steps: 2000, batchSize: 64, discriminatorSteps: gan.discriminatorSteps,
 *   callbacks: [gan.callback()], // weight clipping after every step (also done lazily)
 * });
 * ```
 *
 * Weight clipping ('wasserstein') is applied by `afterDiscriminatorStep()`, and in addition at the
 * start of every `discriminatorLoss`/`generatorLoss` call, so the critic is always evaluated with
 * clipped weights inside `fitAdversarial` without any extra wiring.
 */
export class Gan implements AdversarialModel {
  readonly generator: Module;
  readonly discriminator: Module;
  readonly latentSize: number;
  readonly loss: GanLoss;
  readonly discriminatorSteps: number;
  private readonly cfg: ParsedTraining;
  private readonly rng: Rng;
  private dSteps = 0;

  constructor(options: GanOptions) {
    const fn = 'Gan';
    assertObject(fn, options, ['generator', 'discriminator', 'latentSize', ...TRAINING_KEYS]);
    assertModule(fn, 'generator', options.generator);
    assertModule(fn, 'discriminator', options.discriminator);
    if (options.generator === options.discriminator) {
      throw new InvalidArgumentError(
        `${fn}: 'generator' and 'discriminator' must be distinct modules`,
      );
    }
    assertInteger(fn, 'latentSize', options.latentSize, 1);
    this.cfg = parseTraining(fn, options);
    this.generator = options.generator;
    this.discriminator = options.discriminator;
    this.latentSize = options.latentSize;
    this.loss = this.cfg.loss;
    this.discriminatorSteps = this.cfg.discriminatorSteps;
    this.rng = Rng.fromSeed(this.cfg.seed);
  }

  /** Leaky-ReLU MLP generator and discriminator for `[n, dataSize]` data. */
  static mlp(options: GanMlpOptions): Gan {
    return new Gan(mlpOptions(options));
  }

  /** DCGAN-style convolutional pair for 28 × 28 images given as `[n, 784]` in [0, 1]. */
  static dcgan(options: GanDcganOptions): Gan {
    return new Gan(dcganOptions(options));
  }

  get generatorVariables(): tf.Variable[] {
    return this.generator.trainableVariables;
  }

  get discriminatorVariables(): tf.Variable[] {
    return this.discriminator.trainableVariables;
  }

  /** Current instance-noise std σ·max(0, 1 − t/decaySteps), t = discriminator losses so far. */
  get instanceNoiseStd(): number {
    const noise = this.cfg.noise;
    return noise === null ? 0 : noise.std * Math.max(0, 1 - this.dSteps / noise.decaySteps);
  }

  /** The critic on `x`, one value per example: shape [n]. */
  critic(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.reshape(this.discriminator.apply(x), [x.shape[0]!]));
  }

  /** `n` draws G(z), z ∼ N(0, I), without gradient; the caller owns them. */
  sample(n: number, rng: Rng): tf.Tensor {
    assertInteger('Gan.sample', 'n', n, 1);
    return tf.tidy(() => this.generator.apply(rng.normal([n, this.latentSize])));
  }

  /** The discriminator's loss on a real batch and as many fresh fakes (see `discriminatorObjective`). */
  discriminatorLoss(real: tf.Tensor, rng?: Rng): tf.Scalar {
    const fn = 'Gan.discriminatorLoss';
    assertTensor(fn, 'real', real);
    if (real.rank < 2 || real.shape[0]! < 1) {
      throw new ShapeMismatchError(
        `${fn}: 'real' must be [n, ...], got [${real.shape.join(', ')}]`,
      );
    }
    this.clipIfWasserstein();
    const [zRng, noiseRng, gpRng] = (rng ?? this.rng).split(3) as [Rng, Rng, Rng];
    const std = this.instanceNoiseStd;
    this.dSteps += 1;
    return tf.tidy(() => {
      const fake = this.sample(real.shape[0]!, zRng);
      if (!tf.util.arraysEqual(fake.shape, real.shape)) {
        throw new ShapeMismatchError(
          `${fn}: 'real' has shape [${real.shape.join(', ')}], fakes [${fake.shape.join(', ')}]`,
        );
      }
      return criticLoss({
        loss: this.loss,
        critic: (x) => this.critic(x),
        real,
        fake,
        noiseStd: std,
        noiseRng,
        gpRng,
        labelSmoothing: this.cfg.labelSmoothing,
        lambda: this.cfg.gradientPenalty,
      });
    });
  }

  /** The generator's loss on `n` fresh fakes (see `generatorObjective`). */
  generatorLoss(n: number, rng?: Rng): tf.Scalar {
    assertInteger('Gan.generatorLoss', 'n', n, 1);
    this.clipIfWasserstein();
    const [zRng, noiseRng] = (rng ?? this.rng).split(2) as [Rng, Rng];
    const std = this.instanceNoiseStd;
    return tf.tidy(() => {
      let fake = this.generator.apply(zRng.normal([n, this.latentSize]));
      if (std > 0) fake = tf.add(fake, noiseRng.normal(fake.shape, 0, std));
      return generatorObjective(this.loss, this.critic(fake));
    });
  }

  /** Clips the critic's weights to [−clipValue, clipValue] ('wasserstein'; a no-op otherwise). */
  afterDiscriminatorStep(): void {
    this.clipIfWasserstein();
  }

  /** A @gen/train callback that calls `afterDiscriminatorStep()` at the end of every step. */
  callback(): { onStepEnd: () => void } {
    return { onStepEnd: () => this.afterDiscriminatorStep() };
  }

  /** Copies of both networks' weights, keyed `generator/…` and `discriminator/…`. */
  getWeights(): NamedTensors {
    return joinWeights(this.sides());
  }

  /** Assigns both networks from `getWeights()`-style names; nothing changes unless all match. */
  setWeights(weights: NamedTensors): void {
    splitWeights('Gan.setWeights', weights, this.sides());
  }

  dispose(): void {
    this.generator.dispose();
    this.discriminator.dispose();
  }

  private sides(): Record<string, Module> {
    return { generator: this.generator, discriminator: this.discriminator };
  }

  private clipIfWasserstein(): void {
    if (this.loss === 'wasserstein') clipWeights(this.discriminatorVariables, this.cfg.clipValue);
  }
}
