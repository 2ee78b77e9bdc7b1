import type { GradientEstimator, Network } from '@gen/core';
import { invalidArgument } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { BetaSchedule } from './beta-schedule.js';
import type { Posterior } from './iaf-posterior.js';
import type { Likelihood } from './likelihood.js';
import type { Objective } from './objective.js';
import type { Prior } from './vamp-prior.js';

type Shared = Pick<
  VaeOptions,
  | 'beta'
  | 'klMethod'
  | 'estimator'
  | 'samples'
  | 'objective'
  | 'conditionSize'
  | 'prior'
  | 'posterior'
>;

export interface VaeMlpOptions extends Shared {
  inputSize: number;
  /** Encoder hidden widths, e.g. [500, 500]; the decoder uses them reversed. */
  hiddenSizes: readonly number[];
  latentSize: number;
  likelihood: Likelihood;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}

export interface VaeConvOptions extends Shared {
  latentSize: number;
  likelihood: Likelihood;
  /** Image channels (default 1). */
  channels?: number;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}

/** x as a batch of one: unbatched data gains a leading axis; a batch keeps its first row. */
export function asBatch(fn: string, arg: string, x: unknown): tf.Tensor {
  if (!(x instanceof tf.Tensor) || x.isDisposed) {
    throw invalidArgument(fn, arg, x, 'must be a live tf.Tensor');
  }
  return x.rank >= 2 && x.shape[0] === 1 ? x : tf.expandDims(x, 0);
}

export interface VaeOptions {
  /**
   * Maps x: [n, ...dataShape] to [n, 2·latentSize] (mean and pre-softplus scale; with an IAF
   * `posterior`, [n, 2·latentSize + contextSize], the context h last). Any `Network`: a @gen/nn
   * `Module`, `fromLayersModel(model)` or your own object.
   */
  encoder: Network;
  /**
   * Maps z: [m, latentSize] to [m, ...dataShape] (last axis doubled for a learned variance); any
   * `Network`.
   */
  decoder: Network;
  latentSize: number;
  likelihood: Likelihood;
  /**
   * Weight β of the KL term in the training loss (default 1; β-VAE for β > 1), or a linear
   * warm-up `{ from, to, steps }` (KL annealing): β goes from `from` to `to` over the first
   * `steps` training steps. A training step is a `loss` call made under a gradient tape
   * (`optimizer.minimize`, `fit`); the count is the model's state (`getState`/`setState`), so
   * checkpoints carry it.
   */
  beta?: number | BetaSchedule;
  /**
   * The training objective (default `'elbo'`): `{ iwae: k }` trains on the importance-weighted
   * bound with k samples per example (needs the default pathwise estimator).
   */
  objective?: Objective;
  /**
   * Size of the condition vector of a conditional VAE (CVAE, Sohn et al. 2015): q(z | x, c) and
   * p(x | z, c), the condition appended to the encoder's input (as extra channels for images)
   * and to the latent. The encoder and decoder must accept the wider inputs. Data is then passed
   * as `{ x, condition }` and `sample`/`decode` take `{ condition }`. Default: unconditional.
   */
  conditionSize?: number;
  /**
   * KL(q‖p) in closed form through the KL registry, or by Monte Carlo (default 'analytic';
   * 'monte-carlo' with a VampPrior or an IAF posterior).
   */
  klMethod?: 'analytic' | 'monte-carlo';
  /** Gradient estimator of the reconstruction term (default pathwise()). */
  estimator?: GradientEstimator;
  /** Monte Carlo samples per example in `loss` (default 1). */
  samples?: number;
  /**
   * The prior p(z) (default `'standard'`, N(0, I)); `{ vamp: K }` is the VampPrior (Tomczak &
   * Welling 2018), the mixture (1/K) Σₖ q(z | uₖ) over K learned pseudo-inputs uₖ (the weight
   * `prior/pseudoInputs`, [K, ...dataShape], initialised N(0.5, 0.1²) from a fixed seed). It
   * needs `dataShape`, takes no condition, and makes the KL term Monte Carlo (an explicit
   * `klMethod: 'analytic'` is refused).
   */
  prior?: Prior;
  /**
   * The approximate posterior q(z | x) (default `'gaussian'`, N(μ(x), diag σ(x)²)).
   * `{ iaf: { layers, hiddenSizes, contextSize?, seed? } }` is the inverse autoregressive flow
   * posterior of Kingma et al. (2016): the encoder outputs `[n, 2·latentSize + contextSize]`
   * (μ, pre-softplus σ and a context h), and `layers` conditional IAF steps (MADEs with
   * `hiddenSizes`) transform z₀ = μ + σ ⊙ ε. Their weights are `posterior/iaf<t>/…` in
   * `getWeights()`. The KL term is Monte Carlo (an explicit `klMethod: 'analytic'` is refused),
   * and it cannot be combined with a VampPrior.
   */
  posterior?: Posterior;
  /**
   * Shape of one example without the batch axis, e.g. [784] or [28, 28, 1]. When given, data
   * passed to every method is checked against it up front, so a wrong width is an error that
   * names the method called (the factories set it).
   */
  dataShape?: readonly number[];
  /**
   * @deprecated Ignored: `loss(batch, rng)` draws from its `rng`, and `elbo`/`iwae`/`nll` from
   * their `rng` option (a fresh `Rng.fromSeed(0)` when none is given). Accepted so that existing
   * calls keep working.
   */
  seed?: number;
}

export const VAE_KEYS = [
  'encoder',
  'decoder',
  'latentSize',
  'likelihood',
  'beta',
  'klMethod',
  'estimator',
  'samples',
  'dataShape',
  'seed',
  'objective',
  'conditionSize',
  'prior',
  'posterior',
];

/** The options `Vae.mlp` and `Vae.conv` pass on to the constructor. */
export const SHARED_KEYS = [
  'beta',
  'klMethod',
  'estimator',
  'samples',
  'objective',
  'conditionSize',
  'prior',
  'posterior',
];
