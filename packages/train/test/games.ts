import {
  type AdversarialModel,
  type Batch,
  type NamedTensors,
  type Rng,
  type SampleOptions,
  softplus,
  splitBatch,
} from '@gen/core';
import { Mlp } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { assign } from './models.js';

// Adversarial models for the tests (not exported by the package).

/**
 * Two scalars in a game with closed-form SGD updates: L_D = ½(d − mean(real))² + d·g,
 * L_G = ½(g − d)² + 0·n. Tests compare the loop's updates with the hand-computed sequence.
 */
export class QuadraticGame implements AdversarialModel {
  readonly d = tf.variable(tf.scalar(0));
  readonly g = tf.variable(tf.scalar(1));
  readonly generatorSizes: number[] = [];
  readonly realBatches: number[][] = [];
  private readonly record: boolean;

  /** `record: false` skips the bookkeeping (and its per-step reads), e.g. for long leak tests. */
  constructor(record = true) {
    this.record = record;
  }

  get discriminatorVariables(): tf.Variable[] {
    return [this.d];
  }

  get generatorVariables(): tf.Variable[] {
    return [this.g];
  }

  discriminatorLoss(real: tf.Tensor): tf.Scalar {
    if (this.record) this.realBatches.push(Array.from(real.dataSync()));
    return tf.tidy(() =>
      tf.add(tf.mul(0.5, tf.square(tf.sub(this.d, tf.mean(real)))), tf.mul(this.d, this.g)),
    );
  }

  generatorLoss(n: number): tf.Scalar {
    if (this.record) this.generatorSizes.push(n);
    return tf.tidy(() => tf.mul(0.5, tf.square(tf.sub(this.g, this.d))));
  }

  sample(n: number): tf.Tensor {
    return tf.fill([n, 1], this.g.dataSync()[0]!);
  }

  getWeights(): NamedTensors {
    return { d: tf.clone(this.d), g: tf.clone(this.g) };
  }

  setWeights(weights: NamedTensors): void {
    assign({ d: this.d, g: this.g }, weights);
  }

  dispose(): void {
    tf.dispose([this.d, this.g]);
  }
}

/**
 * A 1-D GAN from two @gen/nn MLPs with the non-saturating loss:
 * L_D = E softplus(−D(x)) + E softplus(D(G(z))), L_G = E softplus(−D(G(z))).
 */
export class Gan1d implements AdversarialModel {
  readonly generator: Mlp;
  readonly discriminator: Mlp;
  private readonly latentSize: number;

  constructor(seed: number, hidden = 16, latentSize = 4) {
    this.latentSize = latentSize;
    const common = { hiddenSizes: [hidden], outputSize: 1, activation: 'tanh' as const };
    this.generator = new Mlp({ ...common, inputSize: latentSize, seed, name: 'generator' });
    this.discriminator = new Mlp({
      ...common,
      inputSize: 1,
      seed: seed + 1,
      name: 'discriminator',
    });
  }

  get discriminatorVariables(): tf.Variable[] {
    return this.discriminator.trainableVariables;
  }

  get generatorVariables(): tf.Variable[] {
    return this.generator.trainableVariables;
  }

  discriminatorLoss(real: tf.Tensor, rng?: Rng): tf.Scalar {
    return tf.tidy(() => {
      const fake = this.sample(real.shape[0]!, rng!);
      const realTerm = tf.mean(softplus(tf.neg(this.discriminator.apply(real))));
      return tf.add(realTerm, tf.mean(softplus(this.discriminator.apply(fake))));
    });
  }

  generatorLoss(n: number, rng?: Rng): tf.Scalar {
    return tf.tidy(() => tf.mean(softplus(tf.neg(this.discriminator.apply(this.sample(n, rng!))))));
  }

  sample(n: number, rng: Rng): tf.Tensor {
    return tf.tidy(() => this.generator.apply(rng.normal([n, this.latentSize])));
  }

  getWeights(): NamedTensors {
    return { ...this.generator.getWeights(), ...this.discriminator.getWeights() };
  }

  setWeights(weights: NamedTensors): void {
    const pick = (prefix: string) =>
      Object.fromEntries(Object.entries(weights).filter(([k]) => k.startsWith(`${prefix}/`)));
    this.generator.setWeights(pick('generator'));
    this.discriminator.setWeights(pick('discriminator'));
  }

  dispose(): void {
    this.generator.dispose();
    this.discriminator.dispose();
  }
}

/**
 * {@link Gan1d} with instance noise whose std decays with the number of discriminator updates,
 * like @gen/gan's: the count is state that is not a weight. `declareState: false` hides it from
 * checkpoints, the bug a resumed run must expose.
 */
export class NoisyGan1d extends Gan1d {
  discriminatorUpdates = 0;

  constructor(seed: number, declareState = true) {
    super(seed);
    if (!declareState) {
      Object.defineProperty(this, 'getState', { value: undefined });
      Object.defineProperty(this, 'setState', { value: undefined });
    }
  }

  get noiseStd(): number {
    return Math.max(0, 1 - this.discriminatorUpdates / 40);
  }

  override discriminatorLoss(real: tf.Tensor, rng: Rng): tf.Scalar {
    const [own, noise] = rng.split(2) as [Rng, Rng];
    const std = this.noiseStd;
    return tf.tidy(() => {
      const noisy = std > 0 ? tf.add(real, noise.normal(real.shape, 0, std)) : real;
      return super.discriminatorLoss(noisy, own);
    });
  }

  afterDiscriminatorStep(): void {
    this.discriminatorUpdates += 1;
  }

  getState(): { discriminatorUpdates: number } {
    return { discriminatorUpdates: this.discriminatorUpdates };
  }

  setState(state: Record<string, unknown>): void {
    const count = state.discriminatorUpdates;
    if (!Number.isInteger(count)) throw new Error(`bad state ${JSON.stringify(state)}`);
    this.discriminatorUpdates = count as number;
  }
}

/**
 * A game that records what the loop hands it: every real batch's examples and conditions, and
 * every generator call's n, argument count and condition. L_D = ½(d − mean(x))², L_G = ½(g − d)².
 */
export class RecordingGame implements AdversarialModel<Batch> {
  readonly d = tf.variable(tf.scalar(0));
  readonly g = tf.variable(tf.scalar(1));
  readonly real: { x: number[]; condition?: number[][] }[] = [];
  readonly generatorCalls: { n: number; argumentCount: number; condition?: number[][] }[] = [];

  get discriminatorVariables(): tf.Variable[] {
    return [this.d];
  }

  get generatorVariables(): tf.Variable[] {
    return [this.g];
  }

  discriminatorLoss(batch: Batch): tf.Scalar {
    const { x, condition } = splitBatch('RecordingGame.discriminatorLoss', batch);
    this.real.push({
      x: Array.from(x.dataSync()),
      ...(condition === undefined ? {} : { condition: condition.arraySync() as number[][] }),
    });
    return tf.tidy(() => tf.mul(0.5, tf.square(tf.sub(this.d, tf.mean(x)))));
  }

  generatorLoss(n: number, ...rest: [Rng, SampleOptions?]): tf.Scalar {
    const condition = rest[1]?.condition;
    this.generatorCalls.push({
      n,
      argumentCount: 1 + rest.length,
      ...(condition === undefined ? {} : { condition: condition.arraySync() as number[][] }),
    });
    return tf.tidy(() => tf.mul(0.5, tf.square(tf.sub(this.g, this.d))));
  }

  sample(n: number): tf.Tensor {
    return tf.fill([n, 1], this.g.dataSync()[0]!);
  }

  getWeights(): NamedTensors {
    return { d: tf.clone(this.d), g: tf.clone(this.g) };
  }

  setWeights(weights: NamedTensors): void {
    assign({ d: this.d, g: this.g }, weights);
  }

  dispose(): void {
    tf.dispose([this.d, this.g]);
  }
}
