import {
  assertInteger,
  type Batch,
  finiteChecksEnabled,
  type GenerativeModel,
  invalidArgument,
  logMeanExp,
  type NamedTensors,
  Rng,
  type SampleOptions,
  splitBatch,
} from '@gen/core';
import {
  ConditionalMadeNetwork,
  MadeNetwork,
  type ModelConfig,
  Module,
  modelConfig,
  registerModel,
} from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { assertOptionsObject, assertRng, assertRows, assertValues } from '../validate.js';
import { resolveCondition } from './condition.js';
import { bernoulliFamily, type ConditionalFamily, gaussianFamily } from './conditional-family.js';
import { sampleEnsemble } from './ensemble-sample.js';
import { renameLegacyWeights } from './legacy-weight-names.js';
import { type MadeOptions, parseMadeOptions } from './made-options.js';
import { sampleSequentially } from './sequential-sample.js';

/** Options of the per-mask methods of {@link Made}. */
export interface MadeMaskOptions {
  /** Use only mask `mask` of the pool (0 ≤ mask < numMasks) instead of the ensemble. */
  mask?: number;
  /**
   * A conditional model's condition: `[n, conditionSize]`, one row per row of x (or `[1,
   * conditionSize]`, shared). Required with `conditionSize`, refused without it.
   */
  condition?: tf.Tensor;
}

/**
 * MADE, the Masked Autoencoder for Distribution Estimation (Germain et al. 2015):
 * p(x) = Πᵢ p(x_{o(i)} | x_{o(<i)}) for an ordering o, every conditional computed in one pass of
 * a masked MLP whose masks cut every path from an input to the outputs of the same or an earlier
 * position. Conditionals are Bernoulli (binary data) or Gaussian, optionally a mixture of K
 * Gaussians per dimension. With `numMasks` = M > 1 the model is trained connectivity- (and, with
 * a 'random' ordering, order-) agnostically on a pool of M masks, and evaluated as the ensemble
 * p(x) = (1/M) Σₘ pₘ(x), a normalised density.
 *
 * `logProb(x)` is per example; `loss(batch, rng)` = −(1/n) Σ log p_m(x) for one mask m of the
 * pool drawn from `rng` (needed only with a pool); `sample(n, rng)` is exact: D passes, one
 * dimension per pass in the mask's order. The network is @gen/nn's `MadeNetwork`, registered as
 * `network`: weights `made/network/masked<l>/kernel` and `…/bias` (`setWeights` also takes the
 * names of earlier versions, `made/network/kernel<l>` and `…/bias<l>`).
 *
 * With `conditionSize` C the model is conditional, p(x | c): the network is @gen/nn's
 * `ConditionalMadeNetwork`, whose every layer also reads c: [n, C] through unmasked weights
 * (`made/network/context<l>/kernel`), so the autoregressive structure in x is kept while every
 * conditional sees all of c. `loss({ x, condition }, rng)`, `logProb(x, { condition })`,
 * `sample(n, rng, { condition })`.
 *
 * ```ts
 * const made = new Made({ inputSize: 784, hiddenSizes: [500], likelihood: 'bernoulli', seed: 0 });
 * const nll = made.loss(batch);                 // scalar, nats per example
 * const images = made.sample(4, Rng.fromSeed(1)); // [4, 784] of 0/1
 *
 * const cmade = new Made({ inputSize: 784, hiddenSizes: [500], conditionSize: 10 });
 * cmade.loss({ x: images, condition: oneHotLabels });        // oneHotLabels: [n, 10]
 * cmade.sample(4, Rng.fromSeed(2), { condition: oneHotLabels.slice(0, 4) });
 * ```
 */
export class Made extends Module implements GenerativeModel {
  readonly inputSize: number;
  readonly hiddenSizes: readonly number[];
  readonly likelihood: 'bernoulli' | 'gaussian';
  /** Gaussian components per dimension (1 for Bernoulli). */
  readonly components: number;
  readonly numMasks: number;
  /** C, the width of the condition (0 for an unconditional model). */
  readonly conditionSize: number;
  /** Whether `logProb` checks its input's values (see {@link MadeOptions.validateArgs}). */
  readonly validateArgs: boolean;
  private readonly network: MadeNetwork | ConditionalMadeNetwork;
  private readonly family: ConditionalFamily;

  private readonly config: ModelConfig;

  constructor(options: MadeOptions) {
    const parsed = parseMadeOptions(options);
    super('made');
    const { inputSize, likelihood, components, numMasks } = parsed;
    this.inputSize = inputSize;
    this.hiddenSizes = parsed.hiddenSizes;
    this.likelihood = likelihood;
    this.components = components;
    this.numMasks = numMasks;
    this.validateArgs = parsed.validateArgs;
    this.conditionSize = parsed.conditionSize;
    this.family =
      likelihood === 'bernoulli' ? bernoulliFamily() : gaussianFamily(components, parsed.minScale);
    const [weightRng, maskRng] = Rng.fromSeed(parsed.seed).split(2) as [Rng, Rng];
    const networkOptions = {
      inputSize,
      hiddenSizes: parsed.hiddenSizes,
      outputsPerInput: this.family.paramsPerDim,
      ordering: parsed.ordering,
      numMasks,
      activation: parsed.activation,
      directConnections: parsed.directConnections,
      rng: weightRng,
      maskRng,
      name: 'network',
    };
    const network =
      parsed.conditionSize > 0
        ? new ConditionalMadeNetwork({ ...networkOptions, conditionSize: parsed.conditionSize })
        : new MadeNetwork(networkOptions);
    this.network = this.addModule('network', network);
    this.config = modelConfig('@gen/autoregressive', 'Made', 'new', options);
  }

  /**
   * How `loadModel` from @gen/nn rebuilds this model: its constructor options (the seed fixes
   * the masks, the weights come from the file).
   */
  toConfig(): ModelConfig {
    return structuredClone(this.config);
  }

  /** orderings[m][i] is the position of input i under mask m (one entry per mask). */
  get orderings(): readonly (readonly number[])[] {
    return this.network.orderings;
  }

  /**
   * Raw outputs under mask 0, `x: [n, D]` → `[n, P·D]` (unit j·D + i: parameter j of xᵢ); a
   * conditional model needs `options.condition`.
   */
  apply(x: tf.Tensor, options: Pick<MadeMaskOptions, 'condition'> = {}): tf.Tensor {
    const fn = 'Made.apply';
    this.assertLive(fn);
    assertOptionsObject(fn, options, ['condition']);
    assertRows(fn, 'x', x, this.inputSize);
    const condition = this.conditionOf(fn, 'options.condition', options.condition, x.shape[0]!);
    return tf.tidy(() => this.raw(x, 0, condition));
  }

  /**
   * Parameters of the conditionals p(xᵢ | x_<i) under one mask (default 0): `{ logits }` [n, D]
   * (Bernoulli), `{ loc, scale }` [n, D] (Gaussian) or `{ logits, loc, scale }` [n, D, K]
   * (mixture). The caller owns them.
   */
  conditionalParams(x: tf.Tensor, options: MadeMaskOptions = {}): NamedTensors {
    const fn = 'Made.conditionalParams';
    const m = this.maskIndex(fn, options);
    assertRows(fn, 'x', x, this.inputSize);
    const condition = this.conditionOf(fn, 'options.condition', options.condition, x.shape[0]!);
    return tf.tidy(() => this.paramsUnder(x, m, condition));
  }

  /**
   * log p(x) per example, `x: [n, D]` → `[n]`: the ensemble log((1/M) Σₘ pₘ(x)) over all masks,
   * or log pₘ(x) with `{ mask: m }`. Values must be finite (0/1 for Bernoulli); with
   * `validateArgs` they are checked.
   */
  logProb(x: tf.Tensor, options: MadeMaskOptions = {}): tf.Tensor {
    const fn = 'Made.logProb';
    const m = this.maskIndex(fn, options);
    assertRows(fn, 'x', x, this.inputSize);
    const c = this.conditionOf(fn, 'options.condition', options.condition, x.shape[0]!);
    if (this.validateArgs) this.assertData(fn, 'x', x);
    if (options.mask !== undefined || this.numMasks === 1) {
      return tf.tidy(() => this.logProbUnder(x, m, c));
    }
    return tf.tidy(() => {
      const perMask = Array.from({ length: this.numMasks }, (_, m) => this.logProbUnder(x, m, c));
      return logMeanExp(tf.stack(perMask), 0);
    });
  }

  /**
   * Mean negative log-likelihood −(1/n) Σ log p_m(xᵢ) of `batch: [n, D]` (a conditional model:
   * `{ x, condition }` with condition `[n, conditionSize]`, −(1/n) Σ log p_m(xᵢ | cᵢ)) under one mask m of
   * the pool, drawn from `rng` (so a resumed `fit` draws the same masks). With one mask the loss
   * is deterministic and `rng` may be left out; with a pool it is required, as the model keeps no
   * generator of its own. Values must be finite (0/1 for Bernoulli), checked with one read of a
   * boolean; the check is skipped inside @gen/core's `withoutFiniteChecks` (the trainer runs the
   * loss there on data it checked once) or after `setFiniteChecks(false)`.
   */
  loss(batch: Batch, rng?: Rng): tf.Scalar {
    const fn = 'Made.loss';
    this.assertLive(fn);
    const { x, condition } = splitBatch(fn, batch);
    const arg = condition === undefined ? 'batch' : 'batch.x';
    assertRows(fn, arg, x, this.inputSize);
    const c = this.conditionOf(fn, 'batch.condition', condition, x.shape[0]!, batch);
    if (rng === undefined && this.numMasks > 1) {
      throw invalidArgument(
        fn,
        'rng',
        rng,
        `must be an Rng with numMasks ${this.numMasks} > 1 (each step's mask is drawn from it)`,
      );
    }
    if (rng !== undefined) assertRng(fn, 'rng', rng);
    this.assertData(fn, arg, x);
    const m = this.numMasks > 1 ? rng!.int(this.numMasks) : 0;
    return tf.tidy(() => tf.neg(tf.mean(this.logProbUnder(x, m, c))) as tf.Scalar);
  }

  /**
   * `n` exact draws `[n, D]` (no gradient). Each row picks a mask of the pool uniformly (the
   * ensemble is their equal-weight mixture), then D passes fill one dimension each in that
   * mask's order: Bernoulli as u < p with u ∼ U[0, 1), Gaussian as μ + σ·ε with ε ∼ N(0, 1).
   * A conditional model draws row i from p(x | cᵢ) with `options.condition` `[n, conditionSize]`
   * (or `[1, conditionSize]` for all rows).
   */
  sample(n: number, rng: Rng, options: SampleOptions = {}): tf.Tensor {
    const fn = 'Made.sample';
    this.assertLive(fn);
    assertInteger(fn, 'n', n, 1);
    assertRng(fn, 'rng', rng);
    assertOptionsObject(fn, options, ['condition']);
    const condition = this.conditionOf(fn, 'options.condition', options.condition, n);
    return sampleEnsemble(n, this.numMasks, rng, (count, m, rows) => {
      if (condition === null) return this.sampleUnder(count, m, rng, null);
      const mine = tf.tidy(() =>
        condition.shape[0] === 1
          ? tf.tile(condition, [count, 1])
          : tf.gather(condition, tf.tensor1d(rows as number[], 'int32')),
      );
      try {
        return this.sampleUnder(count, m, rng, mine);
      } finally {
        mine.dispose();
      }
    });
  }

  private sampleUnder(n: number, m: number, rng: Rng, condition: tf.Tensor | null): tf.Tensor {
    const d = this.inputSize;
    const draw = (x: tf.Tensor) => {
      const dist = this.family.distribution(this.paramsUnder(x, m, condition));
      return tf.reshape(dist.sample(1, rng), [n, d]);
    };
    return sampleSequentially(n, this.network.orderings[m]!, draw);
  }

  /** Also accepts the weight names of earlier versions (see the class comment). */
  override setWeights(weights: NamedTensors): void {
    super.setWeights(renameLegacyWeights(weights));
  }

  private raw(x: tf.Tensor, m: number, condition: tf.Tensor | null): tf.Tensor {
    const net = this.network;
    return net instanceof ConditionalMadeNetwork
      ? net.applyWithCondition(x, condition!, m)
      : net.apply(x, m);
  }

  private paramsUnder(x: tf.Tensor, m: number, condition: tf.Tensor | null): NamedTensors {
    const raw = tf.reshape(this.raw(x, m, condition), [
      -1,
      this.family.paramsPerDim,
      this.inputSize,
    ]);
    return this.family.params(raw);
  }

  private logProbUnder(x: tf.Tensor, m: number, condition: tf.Tensor | null): tf.Tensor {
    return tf.sum(this.family.distribution(this.paramsUnder(x, m, condition)).logProb(x), -1);
  }

  /** The checked condition of a call (null for an unconditional model); see `resolveCondition`. */
  private conditionOf(
    fn: string,
    arg: string,
    condition: unknown,
    rows: number,
    batch?: Batch,
  ): tf.Tensor | null {
    return resolveCondition(fn, arg, condition, rows, this.conditionSize, batch);
  }

  /**
   * Values of data given to `fn`: 0/1 for Bernoulli (the support of @gen/distributions'
   * `Bernoulli.logProb`), finite for Gaussian; skipped while @gen/core's finite checks are off.
   */
  private assertData(fn: string, arg: string, x: tf.Tensor): void {
    if (finiteChecksEnabled()) assertValues(fn, arg, x, this.likelihood === 'bernoulli');
  }

  private maskIndex(fn: string, options: MadeMaskOptions): number {
    this.assertLive(fn);
    assertOptionsObject(fn, options, ['mask', 'condition']);
    const { mask = 0 } = options;
    assertInteger(fn, 'options.mask', mask, 0, this.numMasks - 1);
    return mask;
  }
}

registerModel('@gen/autoregressive', 'Made', {
  new: (options) => new Made(options as unknown as MadeOptions),
});
