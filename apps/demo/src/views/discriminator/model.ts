/**
 * The discriminator view's model: a @gen/gan `Gan` whose generator is frozen — a fixed sampler of
 * q = p shifted by Δ, with no trainable variables — and whose discriminator is a leaky-ReLU `Mlp`
 * of @gen/nn. Only the discriminator trains: @gen/train's `createTrainer` (kind 'loss') minimises
 * `gan.discriminatorLoss(real, rng)` over the discriminator's variables, with real batches of p
 * drawn once and fakes drawn by the generator from the trainer's rng at every step. After every
 * update `gan.afterDiscriminatorStep()` runs (the weight clipping of 'wasserstein').
 */
import { type NamedTensors, type Network, Rng, type Trainable } from '@gen/core';
import { Gan } from '@gen/gan';
import { Mlp } from '@gen/nn';
import {
  adam,
  type CheckpointStore,
  createTrainer,
  memoryCheckpointStore,
  type Trainer,
} from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { type Shape, shifted } from './theory.js';

/** The objectives the view trains the discriminator (or critic) with. */
export const OBJECTIVES = [
  ['minimax', 'GAN discriminator (minimax, log loss)'],
  ['wasserstein-free', 'WGAN critic, no constraint'],
  ['wasserstein-clip', 'WGAN critic, weight clipping'],
  ['wasserstein-gp', 'WGAN critic, gradient penalty'],
] as const;
export type Objective = (typeof OBJECTIVES)[number][0];

/** Whether the objective trains a critic on the Wasserstein dual (else a classifier). */
export const isCritic = (objective: Objective) => objective !== 'minimax';

/** Everything a run depends on. */
export interface ProbeSettings {
  shape: Shape;
  objective: Objective;
  /** The generator's shift Δ (it may change during a run: the generator stays frozen). */
  separation: number;
  learningRate: number;
  batchSize: number;
  hidden: number;
  /** Weight clipping c ('wasserstein-clip'). */
  clip: number;
  /** Gradient-penalty weight λ ('wasserstein-gp'). */
  lambda: number;
  seed: number;
}

export const DEFAULT_SETTINGS: Omit<ProbeSettings, 'shape'> = {
  objective: 'minimax',
  separation: 2,
  learningRate: 0.002,
  batchSize: 128,
  hidden: 32,
  clip: 0.05,
  lambda: 10,
  seed: 1,
};

/** Real points of p drawn once per run. */
const N_REAL = 4096;
/** Discriminator updates per chunk of the view; the loss is read once per chunk. */
export const STEPS_PER_CHUNK = 20;
/** The trainer needs a total number of steps it never reaches. */
const UNBOUNDED_STEPS = Number.MAX_SAFE_INTEGER;

/**
 * The frozen generator: G(z) = Δ + m_c + s_c·z₁ with the component c picked by z₀ (equal
 * weights: z₀'s quantile decides), so G(z), z ∼ N(0, I), is distributed as p shifted by Δ. It has
 * no trainable variables: nothing a discriminator update does can move it; the view moves Δ.
 */
export class ShiftedSampler implements Network {
  readonly trainableVariables: readonly tf.Variable[] = [];
  readonly latentSize = 2;
  /** Δ, read at every call. */
  shift: number;
  private readonly thresholds: number[];

  constructor(
    private readonly shape: Shape,
    shift: number,
  ) {
    this.shift = shift;
    const k = shape.means.length;
    if (k > 2) throw new Error('ShiftedSampler: one or two equal-weight components');
    this.thresholds = k === 2 ? [0] : [];
  }

  apply(z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [pick, noise] = tf.split(z, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      const { means, stds } = this.shape;
      let mean: tf.Tensor = tf.fill(pick.shape, means[0]!);
      let std: tf.Tensor = tf.fill(pick.shape, stds[0]!);
      this.thresholds.forEach((t, i) => {
        const above = tf.greater(pick, t);
        mean = tf.where(above, tf.fill(pick.shape, means[i + 1]!), mean);
        std = tf.where(above, tf.fill(pick.shape, stds[i + 1]!), std);
      });
      return tf.add(tf.add(mean, tf.mul(std, noise)), this.shift);
    });
  }

  getWeights(): NamedTensors {
    return {};
  }

  setWeights(_weights: NamedTensors): void {}

  dispose(): void {}
}

function ganLoss(settings: ProbeSettings) {
  switch (settings.objective) {
    case 'minimax':
      return { loss: 'minimax' as const };
    case 'wasserstein-clip':
      return { loss: 'wasserstein' as const, clipValue: settings.clip, discriminatorSteps: 1 };
    case 'wasserstein-gp':
      return {
        loss: 'wasserstein-gp' as const,
        gradientPenalty: settings.lambda,
        discriminatorSteps: 1,
      };
    case 'wasserstein-free':
      // The Wasserstein dual E_q f − E_p f with no Lipschitz constraint at all: λ = 0.
      return { loss: 'wasserstein-gp' as const, gradientPenalty: 0, discriminatorSteps: 1 };
  }
}

/** The discriminator's half of the game as a `Trainable`: its variables, its loss. */
class DiscriminatorGame implements Trainable {
  constructor(private readonly gan: Gan) {}

  get trainableVariables(): readonly tf.Variable[] {
    return this.gan.discriminatorVariables;
  }

  loss(batch: tf.Tensor, rng: Rng): tf.Scalar {
    return this.gan.discriminatorLoss(batch, rng);
  }

  getWeights(): NamedTensors {
    return this.gan.discriminator.getWeights();
  }

  setWeights(weights: NamedTensors): void {
    this.gan.discriminator.setWeights(weights);
  }

  dispose(): void {}
}

/** The discriminator (or critic) on a grid: its raw output, and D = σ(output) for minimax. */
export interface ProbeReading {
  /** The raw output at each grid point: a logit (minimax) or a critic value. */
  output: number[];
}

/** Checkpoints are written only when asked ({@link DiscriminatorProbe.checkpoint}). */
const NEVER = 1_000_000_000;

/** A probe captured with {@link DiscriminatorProbe.checkpoint}: @gen/train checkpoint bytes. */
export interface ProbeCheckpoint {
  step: number;
  bytes: Uint8Array;
}

/**
 * A discriminator trained against the frozen generator; `dispose()` frees every tensor. With
 * `restored` (a checkpoint of a probe with the same settings, e.g. taken before a backend
 * switch) the run continues from it once {@link start} has run: weights, Adam's state, data
 * order and step.
 */
export class DiscriminatorProbe {
  readonly settings: ProbeSettings;
  private readonly sampler: ShiftedSampler;
  private readonly gan: Gan;
  private readonly real: tf.Tensor2D;
  private readonly optimizer: tf.Optimizer;
  private readonly trainer: Trainer;
  private readonly store: CheckpointStore;

  constructor(settings: ProbeSettings, restored?: ProbeCheckpoint) {
    this.settings = settings;
    this.store = memoryCheckpointStore({ keep: 1 });
    if (restored !== undefined) {
      // The memory store keeps the bytes at once; a bad checkpoint is refused by start().
      void this.store.save(restored.step, restored.bytes).catch(() => undefined);
    }
    this.sampler = new ShiftedSampler(settings.shape, settings.separation);
    const discriminator = new Mlp({
      inputSize: 1,
      hiddenSizes: [settings.hidden, settings.hidden],
      outputSize: 1,
      activation: 'leakyRelu',
      seed: settings.seed,
      name: 'discriminator',
    });
    this.gan = new Gan({
      generator: this.sampler,
      discriminator,
      latentSize: this.sampler.latentSize,
      ...ganLoss(settings),
    });
    this.real = tf.tidy(() => {
      const p = shifted(settings.shape, 0);
      return tf.reshape(p.sample(N_REAL, Rng.fromSeed(settings.seed + 100)), [N_REAL, 1]);
    }) as tf.Tensor2D;
    this.optimizer = adam(settings.learningRate, { beta1: 0.5 });
    const game = new DiscriminatorGame(this.gan);
    this.trainer = createTrainer(game, this.real, {
      kind: 'loss',
      steps: UNBOUNDED_STEPS,
      batchSize: settings.batchSize,
      optimizer: this.optimizer,
      rng: Rng.fromSeed(settings.seed),
      logEvery: STEPS_PER_CHUNK,
      callbacks: [{ onStepEnd: () => this.gan.afterDiscriminatorStep() }],
      checkpoint: { store: this.store, every: NEVER },
      ...(restored === undefined ? {} : { resume: this.store }),
    });
  }

  /** Starts the trainer (reading the restored checkpoint, if any) without taking a step. */
  async start(): Promise<void> {
    await this.trainer.run(0);
  }

  /** The probe as @gen/train checkpoint bytes at the current step. */
  async checkpoint(): Promise<ProbeCheckpoint> {
    await this.trainer.save();
    const step = this.steps;
    const bytes = await this.store.load(step);
    if (bytes === undefined)
      throw new Error('DiscriminatorProbe.checkpoint: no checkpoint was written');
    return { step, bytes };
  }

  /** Discriminator updates done. */
  get steps(): number {
    return this.trainer.status.step;
  }

  /** The discriminator's variables (the only ones that train). */
  get discriminatorVariables(): readonly tf.Variable[] {
    return this.gan.discriminatorVariables;
  }

  /** Moves the frozen generator: q becomes p shifted by `delta` (training continues). */
  setSeparation(delta: number): void {
    this.sampler.shift = delta;
  }

  get separation(): number {
    return this.sampler.shift;
  }

  /**
   * `n` discriminator updates; resolves with the mean training loss of the newest logged row
   * (the trainer logs every {@link STEPS_PER_CHUNK} steps). A NaN or infinite loss rejects with
   * @gen/train's `NumericalError`.
   */
  async train(n: number): Promise<number> {
    const row = (await this.trainer.run(n)).history.at(-1);
    return row?.loss ?? Number.NaN;
  }

  /** The discriminator's raw output at `xs`. */
  async read(xs: readonly number[]): Promise<ProbeReading> {
    const out = tf.tidy(() => this.gan.critic(tf.tensor2d(xs as number[], [xs.length, 1])));
    const output = Array.from(await out.data());
    out.dispose();
    return { output };
  }

  dispose(): void {
    this.trainer.dispose();
    this.optimizer.dispose();
    this.gan.dispose();
    this.real.dispose();
  }
}
