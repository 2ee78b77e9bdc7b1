import {
  type AdversarialModel,
  assertFiniteTensor,
  assertInteger,
  assertNetwork,
  assertRng,
  type Batch,
  InvalidArgumentError,
  invalidArgument,
  type ModelState,
  type NamedTensors,
  type Network,
  type Rng,
  type SampleOptions,
  ShapeMismatchError,
} from '@gen/core';
import { type ModelConfig, modelConfig, NetworkParts, registerModel } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { optionCondition, splitReal, withCondition } from './condition.js';
import { criticLoss } from './critic-loss.js';
import { EMA_PREFIX, GeneratorEma } from './ema.js';
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
import { isPowerIterated } from './spectral-norm.js';
import { applyNetwork, assertBatch, assertCount } from './validate.js';
import { clipWeights } from './weights.js';

/**
 * What `Gan.getState()` returns: the discriminator updates so far (the clock of the
 * instance-noise and label-smoothing schedules) and, with `ema`, the generator updates folded
 * into the moving average so far.
 */
export interface GanState extends ModelState {
  discriminatorUpdates: number;
  generatorUpdates?: number;
}

/** Options of `Gan.sample`. */
export interface GanSampleOptions extends SampleOptions {
  /**
   * With the `ema` option: whether to sample from the moving average of the generator's
   * weights (default true) rather than from its current weights.
   */
  ema?: boolean;
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
 * one: weight clipping ('wasserstein'), a power-iteration step of a spectrally normalised
 * critic, and the count of discriminator updates that drives the instance-noise and
 * label-smoothing schedules. That count (and, with `ema`, the count of generator updates in the
 * moving average) is the Gan's non-weight state; `getState()` and `setState()` carry it through
 * checkpoints, and the spectral-norm vectors and the moving average travel with the weights, so a
 * resumed run continues exactly.
 *
 * With `conditionSize` the GAN is class-conditional: G([z, c]) and D(x, c), trained on
 * `{ x, condition }` batches (see the `conditioning` option of `Gan.mlp` and `Gan.dcgan`).
 */
export class Gan implements AdversarialModel {
  readonly generator: Network;
  readonly discriminator: Network;
  readonly latentSize: number;
  /** Columns of the condition c of a conditional GAN; `undefined` for an unconditional one. */
  readonly conditionSize: number | undefined;
  readonly loss: GanLoss;
  readonly discriminatorSteps: number;
  private readonly cfg: ParsedTraining;
  private readonly weights: NetworkParts;
  private readonly constants: LossConstants;
  private readonly ema: GeneratorEma | null;
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
      'conditionSize',
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
    if (options.conditionSize !== undefined) {
      assertInteger(fn, 'conditionSize', options.conditionSize, 1);
    }
    if (options.seed !== undefined) assertInteger(fn, 'seed', options.seed, 0);
    const {
      generator,
      discriminator,
      latentSize,
      conditionSize,
      seed: _ignored,
      ...training
    } = options;
    this.cfg = parseTraining(fn, training);
    this.generator = generator;
    this.discriminator = discriminator;
    this.latentSize = latentSize;
    this.conditionSize = conditionSize;
    this.loss = this.cfg.loss;
    this.discriminatorSteps = this.cfg.discriminatorSteps;
    this.weights = new NetworkParts(fn, { generator, discriminator });
    this.constants = new LossConstants(this.loss, this.cfg.labelSmoothing.value);
    this.ema = this.cfg.ema === null ? null : new GeneratorEma(generator, this.cfg.ema);
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

  /**
   * DCGAN-style convolutional pair for 28 × 28 images given as `[n, 784]` in [0, 1]. With
   * `conditionSize` it is class-conditional: G([z, c]), and a critic that projects the condition
   * onto its features or takes it as extra input channels (`conditioning`):
   *
   * ```ts
   * const gan = Gan.dcgan({ latentSize: 64, width: 32, conditionSize: 10 });
   * await fitAdversarial(gan, { x: images, condition: oneHotLabels }, { steps: 1000, batchSize: 64 });
   * const threes = gan.sample(16, rng, { condition: oneHot3 }); // oneHot3: [1, 10]
   * ```
   */
  static dcgan(options: GanDcganOptions): Gan {
    const gan = new Gan(dcganOptions(options));
    // A batch-normalised critic sees the real batch and the fakes apart.
    gan.jointCritic = options.discriminatorBatchNorm !== true;
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

  /**
   * The current real label s_t of label smoothing (1: none): the `labelSmoothing` value, or its
   * schedule after t discriminator updates.
   */
  get realLabel(): number {
    const { value, decaySteps } = this.cfg.labelSmoothing;
    if (decaySteps === null) return value;
    return value + (1 - value) * Math.min(1, this.discriminatorUpdates / decaySteps);
  }

  /**
   * The critic on `x: [n, ...]`, one value per example: shape [n]; a conditional GAN needs
   * `options.condition` ([n, conditionSize] or [1, conditionSize]). A @gen/nn `Module` critic
   * runs in inference mode (batch normalisation uses its running statistics).
   */
  critic(x: tf.Tensor, options?: SampleOptions): tf.Tensor {
    const fn = 'Gan.critic';
    assertBatch(fn, 'x', x);
    assertFiniteTensor(fn, 'x', x);
    const c = optionCondition(fn, options, ['condition'], this.conditionSize, x.shape[0]!);
    try {
      return tf.tidy(() => tf.reshape(this.criticOutput(fn, x, c, false), [x.shape[0]!]));
    } finally {
      c?.dispose();
    }
  }

  /**
   * The discriminator's output on `x` (with its conditions appended for a conditional GAN), one
   * value per example, in the network's own shape; in training mode for the losses.
   */
  private criticOutput(
    fn: string,
    x: tf.Tensor,
    condition: tf.Tensor | undefined,
    training: boolean,
  ): tf.Tensor {
    const out = inMode(this.discriminator, training, () =>
      applyNetwork(
        fn,
        'discriminator',
        (h) => this.discriminator.apply(h),
        withCondition(x, condition),
      ),
    );
    if (out.size !== x.shape[0]) {
      out.dispose();
      throw new ShapeMismatchError(
        `${fn}: the discriminator must output one value per example ([${x.shape[0]}, 1] or [${x.shape[0]}]), got [${out.shape.join(', ')}]`,
      );
    }
    return out;
  }

  /**
   * G(z) (G([z, c]) for a conditional GAN) for `n` latents drawn from `rng`, errors named after
   * the public method `fn`; `offTape` keeps G's forward pass off the gradient tape (see `offTape`).
   */
  private generate(
    fn: string,
    n: number,
    rng: Rng,
    training: boolean,
    offTapePass = false,
    condition?: tf.Tensor,
  ): tf.Tensor {
    return tf.tidy(() => {
      // The mode is set inside g so that offTape's recomputation for a gradient runs in it too.
      const g = (z: tf.Tensor) =>
        inMode(this.generator, training, () =>
          applyNetwork(fn, 'generator', (h) => this.generator.apply(h), z),
        );
      const z = withCondition(rng.normal([n, this.latentSize]), condition);
      return offTapePass ? offTape(g, z, this.generator.trainableVariables) : g(z);
    });
  }

  /**
   * `n` draws G(z), z ∼ N(0, I), without gradient; the caller owns them. A conditional GAN
   * needs `options.condition`: one row per draw ([n, conditionSize]) or one row for all
   * ([1, conditionSize]). With the `ema` option the draws come from the moving average of the
   * generator's weights unless `options.ema` is false. A @gen/nn `Module` generator runs in
   * inference mode here (batch normalisation uses its running statistics, so a draw does not
   * depend on the others) and in training mode in the losses.
   */
  sample(n: number, rng: Rng, options?: GanSampleOptions): tf.Tensor {
    const fn = 'Gan.sample';
    assertCount(fn, 'n', n, this.latentSize);
    assertRng(fn, 'rng', rng);
    const c = optionCondition(fn, options, ['condition', 'ema'], this.conditionSize, n);
    try {
      const useEma = options?.ema ?? true;
      if (typeof useEma !== 'boolean') {
        throw invalidArgument(fn, 'options.ema', useEma, 'must be a boolean');
      }
      const draw = () => this.generate(fn, n, rng, false, false, c);
      return this.ema !== null && useEma ? this.ema.withAverages(draw) : draw();
    } finally {
      c?.dispose();
    }
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
  discriminatorLoss(batch: Batch, rng: Rng): tf.Scalar {
    const fn = 'Gan.discriminatorLoss';
    const { x: real, condition } = splitReal(fn, 'real', batch, this.conditionSize);
    assertBatch(fn, 'real', real);
    assertRng(fn, 'rng', rng);
    assertCount(fn, 'real', real.shape[0]!, this.latentSize);
    assertFiniteTensor(fn, 'real', real);
    // The flips draw from a fourth child only when they are on, so that the other streams (and
    // the parent's) stay those of a GAN without them.
    const flip = this.cfg.labelFlip;
    const [zRng, noiseRng, gpRng, flipRng] = rng.split(flip > 0 ? 4 : 3) as Rng[];
    const std = this.instanceNoiseStd;
    this.constants.setSmoothing(this.realLabel);
    return tf.tidy(() => {
      // A discriminator update never differentiates through G: no tape records for its pass.
      const fake = this.generate(fn, real.shape[0]!, zRng!, true, true, condition);
      if (!tf.util.arraysEqual(fake.shape, real.shape)) {
        throw new ShapeMismatchError(
          `${fn}: 'real' has shape [${real.shape.join(', ')}], fakes [${fake.shape.join(', ')}]`,
        );
      }
      return criticLoss({
        loss: this.loss,
        critic: (x, c) => this.criticOutput(fn, x, c, true),
        condition,
        joint: this.jointCritic,
        constants: this.constants,
        real,
        fake,
        noiseStd: std,
        noiseRng: noiseRng!,
        gpRng: gpRng!,
        lambda: this.cfg.gradientPenalty,
        r1: this.cfg.r1Penalty,
        r2: this.cfg.r2Penalty,
        flip,
        flipRng,
      });
    });
  }

  /**
   * The generator's loss on `n` fresh fakes (see `generatorObjective`); a conditional GAN needs
   * `options.condition` ([n, conditionSize] or [1, conditionSize]; trainers pass the real
   * batch's). Changes no state but batch-normalised networks' running statistics (and, with
   * `ema`, folds a generator update not yet in the moving average into it first).
   */
  generatorLoss(n: number, rng: Rng, options?: SampleOptions): tf.Scalar {
    const fn = 'Gan.generatorLoss';
    assertCount(fn, 'n', n, this.latentSize);
    assertRng(fn, 'rng', rng);
    const c = optionCondition(fn, options, ['condition'], this.conditionSize, n);
    // A generator update since the last fold joins the moving average before the next one.
    this.ema?.sync();
    const [zRng, noiseRng] = rng.split(2) as [Rng, Rng];
    const std = this.instanceNoiseStd;
    try {
      return tf.tidy(() => {
        let fake = this.generate(fn, n, zRng, true, false, c);
        if (std > 0) fake = tf.add(fake, noiseRng.normal(fake.shape, 0, std));
        return fusedGeneratorLoss(this.loss, this.criticOutput(fn, fake, c, true), this.constants);
      });
    } finally {
      c?.dispose();
    }
  }

  /**
   * Runs after every discriminator update (`fitAdversarial` and `createTrainer` call it; call it
   * yourself in a hand-written loop): clips the critic's weights to [−clipValue, clipValue] for
   * 'wasserstein' (Arjovsky et al. 2017, Algorithm 1) and counts the update, which advances the
   * instance-noise and label-smoothing schedules. It also runs one power-iteration step of a
   * spectrally normalised discriminator and, with `ema`, folds the last generator update (if any
   * since the last fold) into the moving average.
   */
  afterDiscriminatorStep(): void {
    this.clipIfWasserstein();
    if (isPowerIterated(this.discriminator)) this.discriminator.powerIteration();
    this.discriminatorUpdates += 1;
    this.ema?.sync();
  }

  /**
   * @deprecated Unnecessary: `fitAdversarial` and `createTrainer` call `afterDiscriminatorStep()`
   * after every discriminator update. The callback only re-applies the weight clipping, which is
   * idempotent, and never counts an update, so passing it as well changes nothing.
   */
  callback(): { onStepEnd: () => void } {
    return { onStepEnd: () => this.clipIfWasserstein() };
  }

  /**
   * The non-weight state as plain JSON: `{ discriminatorUpdates }`, and `generatorUpdates` with
   * `ema`.
   */
  getState(): GanState {
    if (this.ema === null) return { discriminatorUpdates: this.discriminatorUpdates };
    this.ema.sync();
    return {
      discriminatorUpdates: this.discriminatorUpdates,
      generatorUpdates: this.ema.updates,
    };
  }

  /** Restores what `getState()` returned (e.g. from a checkpoint). */
  setState(state: ModelState): void {
    const fn = 'Gan.setState';
    if (state === null || typeof state !== 'object' || Array.isArray(state)) {
      throw invalidArgument(fn, 'state', state, 'must be an object { discriminatorUpdates }');
    }
    const keys =
      this.ema === null ? ['discriminatorUpdates'] : ['discriminatorUpdates', 'generatorUpdates'];
    const extra = Object.keys(state).filter((k) => !keys.includes(k));
    if (extra.length > 0) {
      throw invalidArgument(fn, 'state', state, `has unknown keys [${extra.join(', ')}]`);
    }
    const counts = keys.map((key) => {
      const count = state[key];
      if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
        throw invalidArgument(fn, `state.${key}`, count, 'must be an integer >= 0');
      }
      return count;
    });
    this.discriminatorUpdates = counts[0]!;
    if (this.ema !== null) this.ema.updates = counts[1]!;
  }

  /**
   * Copies of both networks' weights, keyed `generator/…` and `discriminator/…`, and with `ema`
   * the moving average of the generator's trainable weights, keyed `ema/generator/…`.
   */
  getWeights(): NamedTensors {
    if (this.ema === null) return this.weights.get();
    this.ema.sync();
    return { ...this.weights.get(), ...this.ema.get() };
  }

  /** Assigns both networks from `getWeights()`-style names; nothing changes unless all match. */
  setWeights(weights: NamedTensors): void {
    const fn = 'Gan.setWeights';
    if (this.ema === null || weights === null || typeof weights !== 'object') {
      this.weights.set(fn, weights);
      return;
    }
    const ema = this.ema;
    ema.check(fn, weights);
    const own = Object.fromEntries(
      Object.entries(weights).filter(([name]) => !(name.startsWith(EMA_PREFIX) && ema.owns(name))),
    );
    this.weights.set(fn, own);
    ema.set(weights);
  }

  dispose(): void {
    this.generator.dispose();
    this.discriminator.dispose();
    this.constants.dispose();
    this.ema?.dispose();
  }

  private clipIfWasserstein(): void {
    if (this.loss === 'wasserstein') clipWeights(this.discriminatorVariables, this.cfg.clipValue);
  }
}

registerModel('@gen/gan', 'Gan', {
  mlp: (options) => Gan.mlp(options as unknown as GanMlpOptions),
  dcgan: (options) => Gan.dcgan(options as unknown as GanDcganOptions),
});
