import {
  type AdversarialModel,
  assertFiniteTensor,
  assertInteger,
  assertNetwork,
  assertRng,
  InvalidArgumentError,
  invalidArgument,
  type ModelState,
  type NamedTensors,
  type Network,
  type Rng,
  ShapeMismatchError,
} from '@gen/core';
import { type ModelConfig, modelConfig, NetworkParts, registerModel } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { criticLoss } from './critic-loss.js';
import { dcganOptions, mlpOptions } from './factories.js';
import { fusedGeneratorLoss } from './fused-generator-loss.js';
import { LossConstants } from './loss-constants.js';
import type { GanLoss } from './losses.js';
import { inMode } from './network-mode.js';
import { offTape } from './off-tape.js';
import {
  assertObject,
  type GanDcganOptions,
  type GanMlpOptions,
  type GanOptions,
  type ParsedTraining,
  parseTraining,
  TRAINING_KEYS,
} from './options.js';
import { applyNetwork, assertBatch, assertCount } from './validate.js';
import { clipWeights } from './weights.js';

/** What `Gan.getState()` returns: the discriminator updates so far (the instance-noise clock). */
export interface GanState extends ModelState {
  discriminatorUpdates: number;
}

/**
 * A generative adversarial network (Goodfellow et al. 2014) with z ∼ N(0, I) and one of the
 * losses of {@link GanLoss}. D outputs logits: D(x) = σ(logit) for the JS-type losses, a raw critic
 * for the others. The generator and the discriminator are any two `Network`s (a @gen/nn
 * `Module`, `fromLayersModel(model)`, or your own object). Implements `AdversarialModel`, so
 * @gen/train trains it:
 *
 * ```ts
 * const gan = Gan.mlp({ dataSize: 2, latentSize: 8, hiddenSizes: [64, 64], loss: 'wasserstein' });
 * await fitAdversarial(gan, x, { steps: 2000, batchSize: 64, discriminatorSteps: gan.discriminatorSteps });
 * ```
 *
 * The losses change nothing but the running statistics of a batch-normalised generator (which
 * every training-mode forward pass advances): they read the weights and draw every random number
 * (latents, instance noise, gradient-penalty interpolates) from their `rng` argument. Running
 * statistics are saved with the weights. What changes between
 * discriminator updates happens in `afterDiscriminatorStep()`, which the trainer calls after each
 * one: weight clipping ('wasserstein') and the count of discriminator updates that drives the
 * instance-noise schedule. That count is the Gan's only non-weight state; `getState()` and
 * `setState()` carry it through checkpoints, so a resumed run continues exactly.
 */
export class Gan implements AdversarialModel {
  readonly generator: Network;
  readonly discriminator: Network;
  readonly latentSize: number;
  readonly loss: GanLoss;
  readonly discriminatorSteps: number;
  private readonly cfg: ParsedTraining;
  private readonly weights: NetworkParts;
  private readonly constants: LossConstants;
  /** Set by the factories, whose critics treat examples independently (see `criticLoss`). */
  private jointCritic = false;
  private discriminatorUpdates = 0;
  private config: ModelConfig;

  constructor(options: GanOptions) {
    const fn = 'Gan';
    assertObject(fn, options, [
      'generator',
      'discriminator',
      'latentSize',
      'seed',
      ...TRAINING_KEYS,
    ]);
    assertNetwork(fn, 'generator', options.generator);
    assertNetwork(fn, 'discriminator', options.discriminator);
    if (options.generator === options.discriminator) {
      throw new InvalidArgumentError(
        `${fn}: 'generator' and 'discriminator' must be distinct networks`,
      );
    }
    assertInteger(fn, 'latentSize', options.latentSize, 1);
    if (options.seed !== undefined) assertInteger(fn, 'seed', options.seed, 0);
    const { generator, discriminator, latentSize, seed: _ignored, ...training } = options;
    this.cfg = parseTraining(fn, training);
    this.generator = generator;
    this.discriminator = discriminator;
    this.latentSize = latentSize;
    this.loss = this.cfg.loss;
    this.discriminatorSteps = this.cfg.discriminatorSteps;
    this.weights = new NetworkParts(fn, { generator, discriminator });
    this.constants = new LossConstants(this.loss, this.cfg.labelSmoothing);
    // Networks given by the caller have no config: the model saves but does not rebuild.
    this.config = modelConfig('@gen/gan', 'Gan', 'new', options);
  }

  /** Leaky-ReLU MLP generator and discriminator for `[n, dataSize]` data. */
  static mlp(options: GanMlpOptions): Gan {
    const gan = new Gan(mlpOptions(options));
    gan.jointCritic = true;
    gan.config = modelConfig('@gen/gan', 'Gan', 'mlp', options);
    return gan;
  }

  /** DCGAN-style convolutional pair for 28 × 28 images given as `[n, 784]` in [0, 1]. */
  static dcgan(options: GanDcganOptions): Gan {
    const gan = new Gan(dcganOptions(options));
    gan.jointCritic = true;
    gan.config = modelConfig('@gen/gan', 'Gan', 'dcgan', options);
    return gan;
  }

  /**
   * How `loadModel` from @gen/nn rebuilds this GAN: the factory (`mlp`, `dcgan`) and its options;
   * `factory` is `null` for a GAN built from your own networks (load those with `{ into }`).
   */
  toConfig(): ModelConfig {
    return structuredClone(this.config);
  }

  get generatorVariables(): tf.Variable[] {
    return [...this.generator.trainableVariables];
  }

  get discriminatorVariables(): tf.Variable[] {
    return [...this.discriminator.trainableVariables];
  }

  /** Current instance-noise std σ·max(0, 1 − t/decaySteps), t = discriminator updates so far. */
  get instanceNoiseStd(): number {
    const noise = this.cfg.noise;
    return noise === null
      ? 0
      : noise.std * Math.max(0, 1 - this.discriminatorUpdates / noise.decaySteps);
  }

  /** The critic on `x: [n, ...]`, one value per example: shape [n]. */
  critic(x: tf.Tensor): tf.Tensor {
    const fn = 'Gan.critic';
    assertBatch(fn, 'x', x);
    assertFiniteTensor(fn, 'x', x);
    return this.criticAs(fn, x);
  }

  /** The critic on a batch the public method `fn` has checked; errors name `fn`. */
  private criticAs(fn: string, x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.reshape(this.criticOutput(fn, x), [x.shape[0]!]));
  }

  /** The discriminator's output on `x`, one value per example, in the network's own shape. */
  private criticOutput(fn: string, x: tf.Tensor): tf.Tensor {
    const out = applyNetwork(fn, 'discriminator', (h) => this.discriminator.apply(h), x);
    if (out.size !== x.shape[0]) {
      out.dispose();
      throw new ShapeMismatchError(
        `${fn}: the discriminator must output one value per example ([${x.shape[0]}, 1] or [${x.shape[0]}]), got [${out.shape.join(', ')}]`,
      );
    }
    return out;
  }

  /**
   * G(z) for `n` latents drawn from `rng`, errors named after the public method `fn`; `offTape`
   * keeps G's forward pass off the gradient tape (see `offTape`).
   */
  private generate(
    fn: string,
    n: number,
    rng: Rng,
    training: boolean,
    offTapePass = false,
  ): tf.Tensor {
    return tf.tidy(() => {
      // The mode is set inside g so that offTape's recomputation for a gradient runs in it too.
      const g = (z: tf.Tensor) =>
        inMode(this.generator, training, () =>
          applyNetwork(fn, 'generator', (h) => this.generator.apply(h), z),
        );
      const z = rng.normal([n, this.latentSize]);
      return offTapePass ? offTape(g, z, this.generator.trainableVariables) : g(z);
    });
  }

  /**
   * `n` draws G(z), z ∼ N(0, I), without gradient; the caller owns them. A @gen/nn `Module`
   * generator runs in inference mode here (batch normalisation uses its running statistics, so
   * a draw does not depend on the others) and in training mode in the losses.
   */
  sample(n: number, rng: Rng): tf.Tensor {
    assertCount('Gan.sample', 'n', n, this.latentSize);
    assertRng('Gan.sample', 'rng', rng);
    return this.generate('Gan.sample', n, rng, false);
  }

  /**
   * The discriminator's loss on a real batch and as many fresh fakes (see
   * `discriminatorObjective`), with instance noise at the current std; latents, noise and
   * gradient-penalty interpolates come from `rng`. Changes no state but a batch-normalised
   * generator's running statistics. A Gan from `Gan.mlp` or
   * `Gan.dcgan` runs its critic once over the real batch and the fakes together (its layers treat
   * examples independently, so the values are those of two passes); a Gan around networks you
   * pass in runs it twice, since a critic with batch statistics would see the two batches mixed.
   */
  discriminatorLoss(real: tf.Tensor, rng: Rng): tf.Scalar {
    const fn = 'Gan.discriminatorLoss';
    assertBatch(fn, 'real', real);
    assertRng(fn, 'rng', rng);
    assertCount(fn, 'real', real.shape[0]!, this.latentSize);
    assertFiniteTensor(fn, 'real', real);
    const [zRng, noiseRng, gpRng] = rng.split(3) as [Rng, Rng, Rng];
    const std = this.instanceNoiseStd;
    return tf.tidy(() => {
      // A discriminator update never differentiates through G: no tape records for its pass.
      const fake = this.generate(fn, real.shape[0]!, zRng, true, true);
      if (!tf.util.arraysEqual(fake.shape, real.shape)) {
        throw new ShapeMismatchError(
          `${fn}: 'real' has shape [${real.shape.join(', ')}], fakes [${fake.shape.join(', ')}]`,
        );
      }
      return criticLoss({
        loss: this.loss,
        critic: (x) => this.criticOutput(fn, x),
        joint: this.jointCritic,
        constants: this.constants,
        real,
        fake,
        noiseStd: std,
        noiseRng,
        gpRng,
        lambda: this.cfg.gradientPenalty,
        r1: this.cfg.r1Penalty,
      });
    });
  }

  /**
   * The generator's loss on `n` fresh fakes (see `generatorObjective`); changes no state but a
   * batch-normalised generator's running statistics.
   */
  generatorLoss(n: number, rng: Rng): tf.Scalar {
    const fn = 'Gan.generatorLoss';
    assertCount(fn, 'n', n, this.latentSize);
    assertRng(fn, 'rng', rng);
    const [zRng, noiseRng] = rng.split(2) as [Rng, Rng];
    const std = this.instanceNoiseStd;
    return tf.tidy(() => {
      let fake = this.generate(fn, n, zRng, true);
      if (std > 0) fake = tf.add(fake, noiseRng.normal(fake.shape, 0, std));
      return fusedGeneratorLoss(this.loss, this.criticOutput(fn, fake), this.constants);
    });
  }

  /**
   * Runs after every discriminator update (`fitAdversarial` and `createTrainer` call it; call it
   * yourself in a hand-written loop): clips the critic's weights to [−clipValue, clipValue] for
   * 'wasserstein' (Arjovsky et al. 2017, Algorithm 1) and counts the update, which advances the
   * instance-noise schedule.
   */
  afterDiscriminatorStep(): void {
    this.clipIfWasserstein();
    this.discriminatorUpdates += 1;
  }

  /**
   * @deprecated Unnecessary: `fitAdversarial` and `createTrainer` call `afterDiscriminatorStep()`
   * after every discriminator update. The callback only re-applies the weight clipping, which is
   * idempotent, and never counts an update, so passing it as well changes nothing.
   */
  callback(): { onStepEnd: () => void } {
    return { onStepEnd: () => this.clipIfWasserstein() };
  }

  /** The non-weight state as plain JSON: `{ discriminatorUpdates }`. */
  getState(): GanState {
    return { discriminatorUpdates: this.discriminatorUpdates };
  }

  /** Restores what `getState()` returned (e.g. from a checkpoint). */
  setState(state: ModelState): void {
    const fn = 'Gan.setState';
    if (state === null || typeof state !== 'object' || Array.isArray(state)) {
      throw invalidArgument(fn, 'state', state, 'must be an object { discriminatorUpdates }');
    }
    const extra = Object.keys(state).filter((k) => k !== 'discriminatorUpdates');
    if (extra.length > 0) {
      throw invalidArgument(fn, 'state', state, `has unknown keys [${extra.join(', ')}]`);
    }
    const { discriminatorUpdates } = state;
    if (
      typeof discriminatorUpdates !== 'number' ||
      !Number.isSafeInteger(discriminatorUpdates) ||
      discriminatorUpdates < 0
    ) {
      throw invalidArgument(
        fn,
        'state.discriminatorUpdates',
        discriminatorUpdates,
        'must be an integer >= 0',
      );
    }
    this.discriminatorUpdates = discriminatorUpdates;
  }

  /** Copies of both networks' weights, keyed `generator/…` and `discriminator/…`. */
  getWeights(): NamedTensors {
    return this.weights.get();
  }

  /** Assigns both networks from `getWeights()`-style names; nothing changes unless all match. */
  setWeights(weights: NamedTensors): void {
    this.weights.set('Gan.setWeights', weights);
  }

  dispose(): void {
    this.generator.dispose();
    this.discriminator.dispose();
    this.constants.dispose();
  }

  private clipIfWasserstein(): void {
    if (this.loss === 'wasserstein') clipWeights(this.discriminatorVariables, this.cfg.clipValue);
  }
}

registerModel('@gen/gan', 'Gan', {
  mlp: (options) => Gan.mlp(options as unknown as GanMlpOptions),
  dcgan: (options) => Gan.dcgan(options as unknown as GanDcganOptions),
});
