import {
  assertFiniteTensor,
  assertInteger,
  assertNetwork,
  assertRng,
  type Batch,
  type Distribution,
  type GenerativeModel,
  type GradientEstimator,
  InvalidArgumentError,
  invalidArgument,
  logMeanExp,
  type ModelState,
  type NamedTensors,
  type Network,
  type Rng,
  Rng as RngClass,
  resolveRng,
  type SampleOptions,
  ShapeMismatchError,
  stopGradient,
} from '@gen/core';
import { kl } from '@gen/distributions';
import { pathwise } from '@gen/estimators';
import { type ModelConfig, modelConfig, NetworkParts } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { type BetaSchedule, betaAt, parseBeta } from './beta-schedule.js';
import {
  latentWithCondition,
  optionCondition,
  type Parts,
  splitInput,
  withCondition,
} from './condition.js';
import {
  assertMonteCarloKl,
  IafPosterior,
  type IafSpec,
  IafSteps,
  type Posterior,
  parsePosterior,
} from './iaf-posterior.js';
import {
  type Likelihood,
  likelihoodDist,
  likelihoodMean,
  outputFactor,
  parseLikelihood,
} from './likelihood.js';
import { assertObjectiveEstimator, type Objective, parseObjective } from './objective.js';
import { applyFlat, diagonalGaussian, posteriorParams, standardPrior } from './posterior.js';
import { VAE_KEYS, type VaeOptions } from './vae-options.js';
import {
  applyNetwork,
  assertBinaryTensor,
  assertData,
  assertDataShape,
  assertDraws,
  assertOptionKeys,
  MAX_DRAWS,
} from './validate.js';
import { mixtureLogProb, type Prior, PseudoInputs, parsePrior } from './vamp-prior.js';

/** Largest latent size (the prior alone holds batch × latentSize values). */
const MAX_LATENT_SIZE = 2 ** 20;

/** A prior density: log p(z) for z: [..., L] → [...]. */
interface PriorDensity {
  logProb(z: tf.Tensor): tf.Tensor;
}

/** What `getState()` of a VAE with a β schedule returns: the training steps counted so far. */
export type VaeState = { step: number };

/**
 * What `encode` returns: the posterior's base N(μ, diag σ²), each [n, latentSize], and, with an
 * IAF posterior, the context h: [n, contextSize] its steps read.
 */
export interface VaeEncoding {
  mean: tf.Tensor;
  scale: tf.Tensor;
  /** The IAF steps' context h(x); absent for a Gaussian posterior. */
  context?: tf.Tensor;
}

/**
 * The VAE model (see {@link Vae}): variational autoencoder (Kingma & Welling 2014) with q(z|x) = N(μ(x), diag σ(x)²),
 * p(z) = N(0, I) and a decoder likelihood p(x|z). Per example,
 * ELBO(x) = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)) ≤ log p(x); training minimises the batch mean
 * of −E_q[log p(x|z)] + β·KL. The encoder and decoder are any two `Network`s. Every random
 * number comes from an `rng` argument: `loss(batch, rng)` requires one, and `elbo`, `iwae` and
 * `nll` draw from a fresh `Rng.fromSeed(0)` when given none (so repeated calls agree).
 *
 * Inputs are checked at the public method the user called, which every error names: the shape
 * (against `dataShape` when known; a shape the networks cannot take is a ShapeMismatchError), and
 * the values: data given to `loss`, `elbo`, `iwae` and `nll` must be finite, and with a
 * Bernoulli likelihood exactly 0 or 1, the support of `Bernoulli.logProb` in
 * @gen/distributions (the same rule as `Made` of @gen/autoregressive); binarise grey levels
 * first, e.g. with @gen/data's `bernoulliBinarize`. The value checks read one boolean back and
 * are skipped inside @gen/core's `withoutFiniteChecks` (as the trainer runs `loss` on data it
 * checked once) or after `setFiniteChecks(false)`.
 *
 * With `conditionSize` the model is a conditional VAE (Sohn et al. 2015): q(z | x, c) and
 * p(x | z, c) see the condition c appended to their inputs, data is passed as `{ x, condition }`
 * (a `ConditionalBatch` of @gen/core) to `loss`, `elbo`, `iwae`, `nll` and `encode`, and
 * `sample`/`decode` take `{ condition }`.
 *
 * With `posterior: { iaf: … }` q(z|x) is an inverse autoregressive flow (Kingma et al. 2016) on
 * the Gaussian base: the encoder also outputs a context h, and the KL term is Monte Carlo with
 * log q(z|x) = log N(z₀; μ, σ) − Σₜ log |det ∂zₜ/∂zₜ₋₁| from the sampling pass.
 */
export class VaeModel implements GenerativeModel {
  readonly encoder: Network;
  readonly decoder: Network;
  readonly latentSize: number;
  readonly likelihood: Likelihood;
  /** β as given: a number or the KL-annealing schedule `{ from, to, steps }`. */
  readonly betaSchedule: number | BetaSchedule;
  /** The training objective: `'elbo'` or `{ iwae: k }`. */
  readonly objective: Objective;
  /** Width of the condition of a conditional VAE; undefined for an unconditional one. */
  readonly conditionSize: number | undefined;
  /** The prior: `'standard'` or `{ vamp: K }`. */
  readonly prior: Prior;
  /** The VampPrior's pseudo-inputs, when `prior` is `{ vamp: K }`. */
  readonly pseudoInputs: PseudoInputs | undefined;
  /**
   * The approximate posterior as given: `'gaussian'` or `{ iaf: { … } }` (with the `seed` the
   * factories fill in when the IAF has none).
   */
  readonly posterior: Posterior;
  /** The IAF steps of an IAF posterior (weights `posterior/iaf<t>/…`); undefined for a Gaussian one. */
  readonly iaf: IafSteps | undefined;
  /** Width H of the context h the encoder outputs for an IAF posterior; 0 for a Gaussian one. */
  readonly contextSize: number;
  readonly klMethod: 'analytic' | 'monte-carlo';
  readonly estimator: GradientEstimator;
  readonly samples: number;
  /** Shape of one example (without the batch axis), when known; inputs are checked against it. */
  readonly dataShape: readonly number[] | undefined;
  private readonly weights: NetworkParts;
  /** What {@link toConfig} reports; the factories of `Vae` replace it with theirs. */
  protected config: ModelConfig;
  /** Training steps counted so far (loss calls under a gradient tape): the clock of β. */
  private steps = 0;
  /**
   * The step count as JSON, present only when β is a schedule (a model without state keeps
   * resuming checkpoints written before the schedule existed).
   */
  readonly getState?: () => VaeState;
  /** Restores what `getState()` returned; present only when β is a schedule. */
  readonly setState?: (state: ModelState) => void;

  constructor(options: VaeOptions) {
    const fn = 'Vae';
    assertOptionKeys(fn, options, VAE_KEYS);
    const { encoder, decoder, latentSize, samples = 1 } = options;
    const prior = parsePrior(fn, options.prior ?? 'standard');
    const vamp = prior !== 'standard';
    assertInteger(fn, 'latentSize', latentSize, 1, MAX_LATENT_SIZE);
    const posterior = parsePosterior(fn, options.posterior ?? 'gaussian', latentSize);
    const iaf = posterior !== 'gaussian';
    const klMethod = options.klMethod ?? (vamp || iaf ? 'monte-carlo' : 'analytic');
    assertNetwork(fn, 'encoder', encoder);
    assertNetwork(fn, 'decoder', decoder);
    if (encoder === decoder) {
      throw invalidArgument(fn, 'decoder', decoder, 'must be a network other than the encoder');
    }
    if (options.seed !== undefined) assertInteger(fn, 'seed', options.seed, 0);
    assertInteger(fn, 'samples', samples, 1, MAX_DRAWS);
    const beta = parseBeta(fn, options.beta ?? 1);
    const objective = parseObjective(fn, options.objective ?? 'elbo');
    if (klMethod !== 'analytic' && klMethod !== 'monte-carlo') {
      throw invalidArgument(fn, 'klMethod', klMethod, "must be 'analytic' or 'monte-carlo'");
    }
    assertObjectiveEstimator(fn, objective, options.estimator);
    if (options.conditionSize !== undefined) {
      assertInteger(fn, 'conditionSize', options.conditionSize, 1, MAX_LATENT_SIZE);
    }
    if (vamp) assertVampOptions(fn, options, klMethod);
    if (iaf) assertIafOptions(fn, options, klMethod);
    this.encoder = encoder;
    this.decoder = decoder;
    this.latentSize = latentSize;
    this.likelihood = parseLikelihood(fn, options.likelihood);
    this.betaSchedule = beta;
    this.objective = objective;
    this.conditionSize = options.conditionSize;
    if (typeof beta === 'object') {
      this.getState = () => ({ step: this.steps });
      this.setState = (state) => {
        const step = (state as { step?: unknown } | null)?.step;
        assertInteger('Vae.setState', 'state.step', step, 0);
        this.steps = step;
      };
    }
    this.klMethod = klMethod;
    this.samples = samples;
    this.estimator = options.estimator ?? pathwise();
    this.dataShape =
      options.dataShape === undefined
        ? undefined
        : assertDataShape(fn, 'dataShape', options.dataShape);
    this.prior = prior;
    this.pseudoInputs = vamp
      ? new PseudoInputs({
          count: prior.vamp,
          dataShape: this.dataShape!,
          rng: RngClass.fromSeed(0),
        })
      : undefined;
    this.posterior = structuredClone(options.posterior ?? 'gaussian');
    this.contextSize = iaf ? posterior.contextSize : 0;
    this.iaf = iaf ? this.buildSteps(posterior) : undefined;
    const parts = {
      ...(this.pseudoInputs === undefined ? {} : { prior: this.pseudoInputs }),
      ...(this.iaf === undefined ? {} : { posterior: this.iaf }),
    };
    this.weights = new NetworkParts(fn, { encoder, decoder, ...parts }, { keepPrefixed: true });
    // Networks given by the caller have no config: the model saves but does not rebuild.
    const model = new.target === VaeModel ? 'VaeModel' : 'Vae';
    this.config = modelConfig('@gen/vae', model, 'new', options);
  }

  /** The IAF steps, built last: a failure releases the pseudo-inputs already made. */
  private buildSteps(spec: IafSpec): IafSteps {
    try {
      return new IafSteps(this.latentSize, spec);
    } catch (error) {
      this.pseudoInputs?.dispose();
      throw error;
    }
  }

  /**
   * How `loadModel` from @gen/nn rebuilds this model: the factory (`Vae.mlp`, `Vae.conv`) and its
   * options; `factory` is `null` for a model built from your own networks (or with an
   * `estimator` object): load those with `{ into }`.
   */
  toConfig(): ModelConfig {
    return structuredClone(this.config);
  }

  /**
   * β of the next training step: the number given, or the schedule's value after the training
   * steps counted so far.
   */
  get beta(): number {
    return betaAt(this.betaSchedule, this.steps);
  }

  get trainableVariables(): tf.Variable[] {
    return [
      ...this.encoder.trainableVariables,
      ...this.decoder.trainableVariables,
      ...(this.pseudoInputs?.trainableVariables ?? []),
      ...(this.iaf?.trainableVariables ?? []),
    ];
  }

  /**
   * Posterior mean μ(x) and scale σ(x), each [n, latentSize] (with an IAF posterior, those of
   * its base z₀, and the context h: [n, contextSize] as `context`); the caller owns them. A
   * conditional VAE takes `{ x, condition }`.
   */
  encode(x: Batch): VaeEncoding {
    const fn = 'Vae.encode';
    const parts = this.dataInput(fn, 'x', x);
    return this.encodeUnchecked(fn, parts.x, parts.condition);
  }

  /**
   * Splits and checks data given to `fn` as `arg` (shape, finite values) and its condition.
   */
  protected dataInput(fn: string, arg: string, input: unknown): Parts {
    const parts = splitInput(fn, arg, input, this.conditionSize);
    assertData(fn, arg, parts.x, this.dataShape);
    assertFiniteTensor(fn, arg, parts.x);
    return parts;
  }

  /** {@link encode} of an input the public method `fn` has checked; errors name `fn`. */
  protected encodeUnchecked(fn: string, x: tf.Tensor, condition?: tf.Tensor): VaeEncoding {
    return tf.tidy(() => {
      const input = withCondition(x, condition);
      const out = applyNetwork(fn, 'encoder', (h) => this.encoder.apply(h), input);
      const width = 2 * this.latentSize + this.contextSize;
      if (out.rank !== 2 || out.shape[1] !== width) {
        const what = this.iaf === undefined ? '' : ' (μ, σ and the IAF context h)';
        throw new InvalidArgumentError(
          `${fn}: the encoder must output [n, ${width}]${what}, got [${out.shape.join(', ')}]`,
        );
      }
      if (this.iaf === undefined) return posteriorParams(out);
      const [gauss, context] = tf.split(out, [2 * this.latentSize, this.contextSize], -1) as [
        tf.Tensor,
        tf.Tensor,
      ];
      return { ...posteriorParams(gauss), context };
    });
  }

  /**
   * The latent the latent tools decode for data the public method `fn` has checked: the
   * posterior mean μ(x), or with an IAF posterior its steps' image of μ(x) (the draw at ε = 0).
   */
  protected latentCode(fn: string, x: tf.Tensor, condition?: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const { mean, context } = this.encodeUnchecked(fn, x, condition);
      if (this.iaf === undefined || context === undefined) return mean;
      return this.iaf.forwardAndLogDet(mean, context).z;
    });
  }

  /**
   * Raw decoder output (logits or means) for z: [..., latentSize] (`[m, latentSize]` and
   * `{ condition }` for a conditional VAE).
   */
  decoderOutput(z: tf.Tensor, options: SampleOptions = {}): tf.Tensor {
    const condition = this.latentInput('Vae.decoderOutput', z, options);
    return this.decoderOutputUnchecked('Vae.decoderOutput', z, condition);
  }

  private decoderOutputUnchecked(fn: string, z: tf.Tensor, condition?: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      applyFlat(
        (flat) => applyNetwork(fn, 'decoder', (h) => this.decoder.apply(h), flat),
        latentWithCondition(z, condition),
      ),
    );
  }

  /** Checks latents and the decoding options given to `fn`; returns the condition. */
  private latentInput(fn: string, z: unknown, options: unknown): tf.Tensor | undefined {
    assertOptionKeys(fn, options, ['condition']);
    if (!(z instanceof tf.Tensor) || z.isDisposed || z.rank < 1) {
      throw invalidArgument(fn, 'z', z, `must be a live tf.Tensor [m, ${this.latentSize}]`);
    }
    if (z.shape[z.rank - 1] !== this.latentSize || z.size === 0) {
      throw invalidArgument(fn, 'z', z, `must be a non-empty tf.Tensor [m, ${this.latentSize}]`);
    }
    if (this.conditionSize !== undefined && z.rank !== 2) {
      throw invalidArgument(fn, 'z', z, `must be [m, ${this.latentSize}] for a conditional VAE`);
    }
    assertFiniteTensor(fn, 'z', z);
    return optionCondition(fn, options as SampleOptions, this.conditionSize, z.shape[0]!);
  }

  /**
   * The mean of p(x|z) (pixel probabilities for Bernoulli) for z: [m, latentSize]; a
   * conditional VAE needs `{ condition }` ([m, conditionSize] or [1, conditionSize]).
   */
  decode(z: tf.Tensor, options: SampleOptions = {}): tf.Tensor {
    const condition = this.latentInput('Vae.decode', z, options);
    return this.decodeUnchecked('Vae.decode', z, condition);
  }

  /** {@link decode} of latents the public method `fn` has checked. */
  protected decodeUnchecked(fn: string, z: tf.Tensor, condition?: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      likelihoodMean(this.likelihood, this.decoderOutputUnchecked(fn, z, condition)),
    );
  }

  /**
   * Checks data given to a bound or the loss: the condition, the shape, then the values
   * (finite; 0/1 for Bernoulli).
   */
  private likelihoodInput(fn: string, arg: string, input: unknown): Parts {
    const parts = splitInput(fn, arg, input, this.conditionSize);
    assertData(fn, arg, parts.x, this.dataShape);
    if (this.likelihood === 'bernoulli') assertBinaryTensor(fn, arg, parts.x);
    else assertFiniteTensor(fn, arg, parts.x);
    return parts;
  }

  /** Values one posterior draw makes for the batch `x`: latents and decoder outputs. */
  private drawSize(x: tf.Tensor): number {
    return x.shape[0]! * this.latentSize + x.size * outputFactor(this.likelihood);
  }

  /**
   * q(z|x, c) with batch [n]: N(μ(x, c), diag σ(x, c)²), or the IAF posterior on that base; runs
   * inside the caller's tidy.
   */
  private posteriorOf(fn: string, { x, condition }: Parts): Distribution {
    const { mean, scale, context } = this.encodeUnchecked(fn, x, condition);
    const base = diagonalGaussian(mean, scale);
    if (this.iaf === undefined || context === undefined) return base;
    return new IafPosterior(base, context, this.iaf);
  }

  /**
   * k draws z: [k, n, L] of q for evaluation: `sample` for a Gaussian posterior, the
   * reparameterised pass for an IAF one, whose `logProb(z)` then reuses the pass's value (no
   * inverse).
   */
  private draw(q: Distribution, k: number, rng: Rng): tf.Tensor {
    return q instanceof IafPosterior ? q.rsample(k, rng) : q.sample(k, rng);
  }

  /** log p(x|z, c) for z: [k, n, L] → [k, n]; runs inside the caller's tidy. */
  private logLik(fn: string, { x, condition }: Parts, z: tf.Tensor): tf.Tensor {
    const out = this.decoderOutputUnchecked(fn, z, condition);
    const want = [...x.shape.slice(1)];
    want[want.length - 1]! *= outputFactor(this.likelihood);
    if (!tf.util.arraysEqual(out.shape.slice(2), want)) {
      throw new ShapeMismatchError(
        `${fn}: the decoder maps latents to [${out.shape.slice(2).join(', ')}] per example but the data has shape [${x.shape.slice(1).join(', ')}]`,
      );
    }
    const p = likelihoodDist(this.likelihood, out, x.rank - 1);
    return p.logProb(tf.broadcastTo(x, [z.shape[0]!, ...x.shape]));
  }

  /**
   * Evidence lower bound per example, [n]: (1/S) Σₛ log p(x|zₛ) − KL (β = 1), zₛ ~ q(z|x).
   * The KL term follows `klMethod` (Monte Carlo: log q(zₛ|x) − log p(zₛ) at the same draws).
   * A conditional VAE takes `{ x, condition }` and bounds log p(x | c).
   */
  elbo(x: Batch, options: { samples?: number; rng?: Rng } = {}): tf.Tensor {
    const fn = 'Vae.elbo';
    const parts = this.likelihoodInput(fn, 'x', x);
    assertOptionKeys(fn, options, ['samples', 'rng']);
    const samples = options.samples ?? 1;
    assertDraws(fn, 'samples', samples, this.drawSize(parts.x));
    const rng = resolveRng(fn, { rng: options.rng });
    return tf.tidy(() => {
      const q = this.posteriorOf(fn, parts);
      const z = this.draw(q, samples, rng);
      const n = parts.x.shape[0]!;
      const klq =
        this.klMethod === 'analytic'
          ? kl(q, standardPrior(n, this.latentSize))
          : tf.mean(tf.sub(q.logProb(z), this.priorDensity(fn, n).logProb(z)), 0);
      return tf.sub(tf.mean(this.logLik(fn, parts, z), 0), klq);
    });
  }

  /**
   * Importance-weighted bound (Burda et al. 2016) per example, [n]:
   * IWAE_k(x) = log (1/k) Σᵢ p(x, zᵢ) / q(zᵢ|x), zᵢ ~ q(z|x); ELBO ≤ IWAE_k ≤ IWAE_{k+1} ≤ log p(x)
   * in expectation. Draws in chunks of at most `chunk` (default 500) to bound memory. A
   * conditional VAE takes `{ x, condition }`.
   */
  iwae(x: Batch, k: number, options: { rng?: Rng; chunk?: number } = {}): tf.Tensor {
    assertOptionKeys('Vae.iwae', options, ['rng', 'chunk']);
    return this.iwaeAs('Vae.iwae', 'k', x, k, options);
  }

  private iwaeAs(
    fn: string,
    kArg: string,
    x: Batch,
    k: number,
    options: { rng?: Rng; chunk?: number },
  ): tf.Tensor {
    const parts = this.likelihoodInput(fn, 'x', x);
    assertDraws(fn, kArg, k, 1);
    const chunk = options.chunk ?? 500;
    assertDraws(fn, 'chunk', chunk, this.drawSize(parts.x));
    const rng = resolveRng(fn, { rng: options.rng });
    return tf.tidy(() => {
      const q = this.posteriorOf(fn, parts);
      const prior = this.priorDensity(fn, parts.x.shape[0]!);
      const pieces: tf.Tensor[] = [];
      for (let done = 0; done < k; done += chunk) {
        const m = Math.min(chunk, k - done);
        pieces.push(tf.tidy(() => this.logWeights(fn, parts, q, prior, this.draw(q, m, rng), 1)));
      }
      return logMeanExp(tf.concat(pieces, 0), 0);
    });
  }

  /** log p(x|z) + β (log p(z) − log q(z|x)) for z: [k, n, L] → [k, n]. */
  private logWeights(
    fn: string,
    parts: Parts,
    q: Distribution,
    prior: PriorDensity,
    z: tf.Tensor,
    beta: number,
  ): tf.Tensor {
    const ratio = tf.sub(prior.logProb(z), q.logProb(z));
    return tf.add(this.logLik(fn, parts, z), beta === 1 ? ratio : tf.mul(beta, ratio));
  }

  /** Importance-sampled estimate of −log p(x) per example: −IWAE_samples(x) (default 5000). */
  nll(x: Batch, options: { samples?: number; rng?: Rng; chunk?: number } = {}): tf.Tensor {
    const fn = 'Vae.nll';
    assertOptionKeys(fn, options, ['samples', 'rng', 'chunk']);
    const { samples = 5000, ...rest } = options;
    return tf.tidy(() => tf.neg(this.iwaeAs(fn, 'samples', x, samples, rest)));
  }

  /**
   * n draws from the approximate posterior per example, z: [n, batch, latentSize], with
   * log q(z | x): [n, batch] from the same pass (for an IAF posterior, log N(z₀; μ, σ) minus the
   * steps' log-determinants, with no inverse). Reparameterised: gradients flow into the encoder
   * (and the IAF steps). A conditional VAE takes `{ x, condition }`. Draws from `rng` (default
   * a fresh `Rng.fromSeed(0)`); the caller owns both tensors.
   */
  samplePosterior(
    x: Batch,
    n: number,
    options: { rng?: Rng } = {},
  ): { z: tf.Tensor; logProb: tf.Tensor } {
    const fn = 'Vae.samplePosterior';
    const parts = this.dataInput(fn, 'x', x);
    assertOptionKeys(fn, options, ['rng']);
    assertDraws(fn, 'n', n, parts.x.shape[0]! * this.latentSize);
    const rng = resolveRng(fn, { rng: options.rng });
    return tf.tidy(() => {
      const q = this.posteriorOf(fn, parts);
      const z = q.rsample(n, rng);
      return { z, logProb: q.logProb(z) };
    });
  }

  /**
   * log q(z | x) for given latents z: [k, n, latentSize] or [n, latentSize] (n = the examples of
   * `x`) → [k, n] or [n]. For an IAF posterior this inverts the steps (latentSize passes of each
   * step's MADE): z₀ = f⁻¹(z), log q = log N(z₀; μ, σ) + Σₜ log |det ∂zₜ₋₁/∂zₜ|.
   */
  posteriorLogProb(x: Batch, z: tf.Tensor): tf.Tensor {
    const fn = 'Vae.posteriorLogProb';
    const parts = this.dataInput(fn, 'x', x);
    const n = parts.x.shape[0]!;
    if (
      !(z instanceof tf.Tensor) ||
      z.isDisposed ||
      (z.rank !== 2 && z.rank !== 3) ||
      z.shape[z.rank - 1] !== this.latentSize ||
      z.shape[z.rank - 2] !== n
    ) {
      throw invalidArgument(
        fn,
        'z',
        z,
        `must be a live tf.Tensor [k, ${n}, ${this.latentSize}] or [${n}, ${this.latentSize}]`,
      );
    }
    assertFiniteTensor(fn, 'z', z);
    return tf.tidy(() => {
      const q = this.posteriorOf(fn, parts);
      const lp = q.logProb(z.rank === 2 ? tf.expandDims(z, 0) : z);
      return z.rank === 2 ? tf.squeeze(lp, [0]) : lp;
    });
  }

  /**
   * Training loss on a batch (`{ x, condition }` for a conditional VAE), drawing from `rng`.
   * With `objective: 'elbo'`, the batch mean of −E_q[log p(x|z)] + β·KL(q‖p), the
   * reconstruction gradient from `estimator` (pathwise by default; Monte Carlo KL joins the
   * estimator's cost). With `objective: { iwae: k }`, the batch mean of
   * −log (1/k) Σᵢ p(x|zᵢ) (p(zᵢ)/q(zᵢ|x))^β over `samples` independent sets of k reparameterised
   * draws. β is the current value of a schedule; a call under a gradient tape (a training step)
   * advances it by one step.
   */
  loss(batch: Batch, rng: Rng): tf.Scalar {
    const fn = 'Vae.loss';
    const parts = this.likelihoodInput(fn, 'batch', batch);
    assertRng(fn, 'rng', rng);
    const k = this.objective === 'elbo' ? 1 : this.objective.iwae;
    const drawsArg = this.objective === 'elbo' ? 'samples' : 'objective.iwae';
    assertDraws(fn, drawsArg, k * this.samples, this.drawSize(parts.x));
    const training = tf.engine().isTapeOn();
    const value =
      this.objective === 'elbo'
        ? this.elboLoss(fn, parts, rng, this.beta)
        : this.iwaeLoss(fn, parts, rng, this.beta, this.objective.iwae);
    if (training) this.steps += 1;
    return value;
  }

  private elboLoss(fn: string, parts: Parts, rng: Rng, beta: number): tf.Scalar {
    const n = parts.x.shape[0]!;
    return tf.tidy(() => {
      const q = this.posteriorOf(fn, parts);
      const mc = this.klMethod === 'monte-carlo';
      const prior = mc ? this.priorDensity(fn, n) : standardPrior(n, this.latentSize);
      const cost = (z: tf.Tensor) => {
        const c = tf.neg(this.logLik(fn, parts, z));
        return mc ? tf.add(c, tf.mul(beta, tf.sub(q.logProb(z), prior.logProb(z)))) : c;
      };
      const s = this.estimator.surrogate(q, cost, { samples: this.samples, rng });
      const klPart = mc
        ? tf.scalar(0)
        : tf.mul(beta, tf.mean(kl(q, standardPrior(n, this.latentSize))));
      return tf.add(tf.div(s.loss, n), klPart) as tf.Scalar;
    });
  }

  private iwaeLoss(fn: string, parts: Parts, rng: Rng, beta: number, k: number): tf.Scalar {
    const n = parts.x.shape[0]!;
    return tf.tidy(() => {
      const q = this.posteriorOf(fn, parts);
      const prior = this.priorDensity(fn, n);
      const z = q.rsample(this.samples * k, rng);
      const logW = this.logWeights(fn, parts, q, prior, z, beta);
      return tf.neg(tf.mean(logMeanExp(tf.reshape(logW, [this.samples, k, n]), 1))) as tf.Scalar;
    });
  }

  /**
   * n draws from the model, shown as the mean of p(x|z) with z ~ N(0, I): [n, ...dataShape]. A
   * conditional VAE needs `{ condition }`: [n, conditionSize], or [1, conditionSize] for all n.
   */
  sample(n: number, rng: Rng, options: SampleOptions = {}): tf.Tensor {
    const fn = 'Vae.sample';
    const dataSize = (this.dataShape ?? []).reduce((a, b) => a * b, 1);
    assertDraws(fn, 'n', n, this.latentSize + dataSize);
    assertRng(fn, 'rng', rng);
    assertOptionKeys(fn, options, ['condition']);
    const condition = optionCondition(fn, options, this.conditionSize, n);
    return tf.tidy(() => this.decodeUnchecked(fn, this.priorSample(fn, n, rng), condition));
  }

  /**
   * n draws z ~ p(z): [n, latentSize], the latents `sample` decodes: N(0, I), or for a VampPrior
   * a pseudo-input uₖ picked uniformly and then z ~ q(z | uₖ). Detached from the weights.
   */
  samplePrior(n: number, rng: Rng): tf.Tensor {
    const fn = 'Vae.samplePrior';
    assertDraws(fn, 'n', n, this.latentSize);
    assertRng(fn, 'rng', rng);
    return tf.tidy(() => stopGradient(this.priorSample(fn, n, rng)));
  }

  /**
   * log p(z) under the prior for z: [..., latentSize] → [...]: N(0, I), or the VampPrior's
   * log (1/K) Σₖ q(z | uₖ).
   */
  priorLogProb(z: tf.Tensor): tf.Tensor {
    const fn = 'Vae.priorLogProb';
    if (
      !(z instanceof tf.Tensor) ||
      z.isDisposed ||
      z.rank < 1 ||
      z.shape[z.rank - 1] !== this.latentSize
    ) {
      throw invalidArgument(fn, 'z', z, `must be a live tf.Tensor [..., ${this.latentSize}]`);
    }
    assertFiniteTensor(fn, 'z', z);
    return tf.tidy(() => {
      const lead = z.shape.slice(0, -1);
      const flat = tf.reshape(z, [1, -1, this.latentSize]);
      const n = flat.shape[1]!;
      return tf.reshape(this.priorDensity(fn, n).logProb(flat), lead);
    });
  }

  /**
   * The prior's density for a batch of n: N(0, I), or the VampPrior's mixture of the encoder's
   * posteriors at the pseudo-inputs; runs inside the caller's tidy.
   */
  private priorDensity(fn: string, n: number): PriorDensity {
    if (this.pseudoInputs === undefined) return standardPrior(n, this.latentSize);
    const { mean, scale } = this.encodeUnchecked(fn, this.pseudoInputs.inputs);
    return { logProb: (z) => mixtureLogProb(mean, scale, z) };
  }

  /** n draws of z ~ p(z): [n, L]; a VampPrior picks a pseudo-input uniformly, then q(z | u). */
  private priorSample(fn: string, n: number, rng: Rng): tf.Tensor {
    if (this.pseudoInputs === undefined) return rng.normal([n, this.latentSize]);
    const [pick, noise] = rng.split(2) as [Rng, Rng];
    const { mean, scale } = this.encodeUnchecked(fn, this.pseudoInputs.inputs);
    const count = mean.shape[0]!;
    const k = tf.cast(tf.minimum(tf.floor(pick.uniform([n], 0, count)), count - 1), 'int32');
    const eps = noise.normal([n, this.latentSize]);
    return tf.add(tf.gather(mean, k), tf.mul(tf.gather(scale, k), eps));
  }

  /**
   * Copies of both networks' weights: the encoder's under `encoder/`, the decoder's under
   * `decoder/` (a name that already starts with that prefix, like the `encoder/dense0/kernel` of
   * `Vae.mlp`, is kept as it is).
   */
  getWeights(): NamedTensors {
    return this.weights.get();
  }

  /** Assigns both networks from `getWeights()`-style names; nothing changes unless all match. */
  setWeights(weights: NamedTensors): void {
    this.weights.set('Vae.setWeights', weights);
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
    this.pseudoInputs?.dispose();
    this.iaf?.dispose();
  }
}

/** An IAF posterior's requirements: Monte Carlo KL, the standard prior. */
function assertIafOptions(fn: string, options: VaeOptions, klMethod: string): void {
  assertMonteCarloKl(fn, klMethod, 'an IAF posterior');
  if ((options.prior ?? 'standard') !== 'standard') {
    throw invalidArgument(
      fn,
      'posterior',
      options.posterior,
      'cannot be combined with a VampPrior (its density would need the inverse flow at every pseudo-input)',
    );
  }
}

/** The VampPrior's requirements: known data shape, no condition, Monte Carlo KL. */
function assertVampOptions(fn: string, options: VaeOptions, klMethod: string): void {
  if (options.dataShape === undefined) {
    throw invalidArgument(fn, 'prior', options.prior, "needs dataShape (the pseudo-inputs' shape)");
  }
  if (options.conditionSize !== undefined) {
    throw invalidArgument(fn, 'prior', options.prior, 'cannot be combined with conditionSize');
  }
  assertMonteCarloKl(fn, klMethod, 'a VampPrior');
}
