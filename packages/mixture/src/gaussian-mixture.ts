import {
  assertInteger,
  type EmModel,
  finiteChecksEnabled,
  type GenerativeModel,
  invalidArgument,
  type ModelConfig,
  modelConfig,
  type NamedTensors,
  type Rng,
  registerModel,
} from '@gen/core';
import type { Mixture } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { NotFittedError } from './errors.js';
import type { FitCallOptions, GaussianMixtureFitResult } from './fit-em.js';
import { emStepInto, fitInto } from './fit-variables.js';
import { parameterCount } from './host-params.js';
import { assertFiniteRowsSync, type Rows, toRows } from './input.js';
import { weightedLogProb } from './log-density.js';
import { MixtureVariables } from './mixture-variables.js';
import {
  type CovarianceType,
  type GaussianMixtureOptions,
  type ParsedOptions,
  parseOptions,
} from './options.js';
import { scaleTril, toMixture } from './to-distribution.js';

const NAME = 'GaussianMixture';

/**
 * Gaussian mixture p(x) = Σₖ πₖ N(x | μₖ, Σₖ), fitted by EM (scikit-learn's GaussianMixture:
 * same options, same numbers) or trained by gradient through `loss` (a GenerativeModel for
 * @gen/train's `fit`). EM writes into the same variables that gradients train. Clustering is
 * Bayes' rule, P(k | x) = πₖ N(x | μₖ, Σₖ) / Σⱼ πⱼ N(x | μⱼ, Σⱼ) (`predictProba`, `predict`).
 *
 * ```ts
 * const gm = new GaussianMixture({ components: 3, covariance: 'full', restarts: 3 });
 * const { converged, lowerBound } = await gm.fit(x);   // x: [N, D]
 * const labels = gm.predict(x);                         // [N] int32
 * const bic = gm.bic(x);                                // tf.Scalar
 * ```
 */
export class GaussianMixture implements GenerativeModel, EmModel {
  readonly components: number;
  readonly covariance: CovarianceType;
  private readonly options: ParsedOptions;
  private vars: MixtureVariables | undefined;
  private readonly config: ModelConfig;

  constructor(options: GaussianMixtureOptions) {
    this.options = parseOptions(NAME, options);
    this.components = this.options.components;
    this.covariance = this.options.covariance;
    // Initial parameters given as arrays or tensors are left out: the fitted parameters are the
    // weights, so a rebuilt mixture needs only the options that shape it.
    const { init, ...rest } = options;
    this.config = modelConfig('@gen/mixture', NAME, 'new', {
      ...rest,
      ...(typeof init === 'string' ? { init } : {}),
    });
  }

  /**
   * How `loadModel` from @gen/nn rebuilds this mixture: its constructor options (the fitted
   * parameters are the weights, so a loaded mixture is fitted).
   */
  toConfig(): ModelConfig {
    return structuredClone(this.config);
  }

  /** The data dimension D, once fitted, initialised or given weights. */
  get dim(): number | undefined {
    return this.vars?.d;
  }

  /** logits, means and the covariance variable; empty until fitted, initialised or given weights. */
  get trainableVariables(): tf.Variable[] {
    return this.vars?.list ?? [];
  }

  /** Free parameters (scikit-learn's `_n_parameters`). */
  get parameterCount(): number {
    return parameterCount(this.covariance, this.components, this.variables('parameterCount').d);
  }

  /** EM with restarts from the configured initialisation (or `warmStart`); see the fit result. */
  async fit(x: Rows, options: FitCallOptions = {}): Promise<GaussianMixtureFitResult> {
    const fn = `${NAME}.fit`;
    const current = options.warmStart === true ? this.variables('fit') : this.vars;
    const { vars, result } = await fitInto(fn, x, this.options, options, current);
    this.vars = vars;
    return result;
  }

  /** Only the initialisation (k-means etc. and one M-step), e.g. before gradient training. */
  async initialize(x: Rows): Promise<GaussianMixtureFitResult> {
    const fn = `${NAME}.initialize`;
    const call = { maxIterations: 0 };
    const { vars, result } = await fitInto(fn, x, this.options, call, this.vars);
    this.vars = vars;
    return result;
  }

  /** One EM iteration from the current parameters; resolves with the bound before it. */
  async emStep(x: Rows): Promise<{ lowerBound: number; reseeded: number }> {
    const vars = this.variables('emStep');
    return emStepInto(`${NAME}.emStep`, x, vars, this.options.regCovar);
  }

  /** log p(xₙ) per row, [N]. */
  logProb(x: Rows): tf.Tensor {
    return this.withRows('logProb', x, (t, v) => tf.logSumExp(this.weighted(t, v), 1));
  }

  /** Mean log-likelihood of the rows (scikit-learn's `score`). */
  score(x: Rows): tf.Scalar {
    return this.withRows(
      'score',
      x,
      (t, v) => tf.mean(tf.logSumExp(this.weighted(t, v), 1)) as tf.Scalar,
    );
  }

  /** Posterior responsibilities P(k | xₙ) by Bayes' rule, [N, K]. */
  predictProba(x: Rows): tf.Tensor {
    return this.withRows('predictProba', x, (t, v) => tf.softmax(this.weighted(t, v), 1));
  }

  /** The most probable component of every row, [N] int32. */
  predict(x: Rows): tf.Tensor {
    return this.withRows('predict', x, (t, v) => tf.argMax(this.weighted(t, v), 1));
  }

  /** Bayesian information criterion −2 N·score + p ln N (lower is better). */
  bic(x: Rows): tf.Scalar {
    return this.criterion('bic', x, (n) => Math.log(n));
  }

  /** Akaike information criterion −2 N·score + 2p. */
  aic(x: Rows): tf.Scalar {
    return this.criterion('aic', x, () => 2);
  }

  /**
   * Negative mean log-likelihood of a batch [N, D]: the gradient-training objective. A batch with
   * NaN or ±Inf is refused (one read of a boolean, skipped inside @gen/core's
   * `withoutFiniteChecks`, as the trainer runs it, or after `setFiniteChecks(false)`).
   */
  loss(batch: tf.Tensor): tf.Scalar {
    const fn = `${NAME}.loss`;
    const vars = this.variables('loss');
    if (!(batch instanceof tf.Tensor)) {
      throw invalidArgument(fn, 'batch', batch, 'must be a [N, D] tensor');
    }
    const { tensor, owned } = toRows(fn, batch, { dim: vars.d, arg: 'batch' });
    try {
      if (finiteChecksEnabled()) assertFiniteRowsSync(fn, tensor, 'batch');
      return tf.tidy(
        () => tf.neg(tf.mean(tf.logSumExp(this.weighted(tensor, vars), 1))) as tf.Scalar,
      );
    } finally {
      if (owned) tensor.dispose();
    }
  }

  /** `n` draws [n, D], through @gen/distributions' Mixture of MultivariateNormals. */
  sample(n: number, rng: Rng): tf.Tensor {
    assertInteger(`${NAME}.sample`, 'n', n, 1);
    const dist = this.toDistribution();
    try {
      return dist.sample(n, rng);
    } finally {
      dist.dispose();
    }
  }

  /** The mixture as a @gen/distributions Mixture of MultivariateNormals (the caller disposes it). */
  toDistribution(): Mixture {
    const vars = this.variables('toDistribution');
    const state = tf.tidy(() => vars.state());
    try {
      return toMixture(state, this.covariance);
    } finally {
      tf.dispose([state.logWeights, state.factor, state.logDetFactor]);
    }
  }

  /** Mixing weights π [K]. */
  weights(): tf.Tensor {
    const vars = this.variables('weights');
    return tf.tidy(() => tf.softmax(vars.logits));
  }

  /** Component means [K, D]. */
  means(): tf.Tensor {
    return tf.clone(this.variables('means').means);
  }

  /** Covariances in scikit-learn's layout: full [K, D, D], tied [D, D], diag [K, D], spherical [K]. */
  covariances(): tf.Tensor {
    const vars = this.variables('covariances');
    return tf.tidy(() => {
      const state = vars.state();
      if (this.covariance === 'diag' || this.covariance === 'spherical') {
        return tf.reciprocal(tf.square(state.factor));
      }
      const l = scaleTril(state, this.covariance);
      const full = tf.matMul(l, tf.transpose(l, [0, 2, 1]));
      return this.covariance === 'tied'
        ? tf.squeeze(tf.slice(full, [0, 0, 0], [1, -1, -1]), [0])
        : full;
    });
  }

  /** Precision factors F (Σ⁻¹ = F Fᵀ) in scikit-learn's `precisions_cholesky_` layout. */
  precisionsCholesky(): tf.Tensor {
    const vars = this.variables('precisionsCholesky');
    return tf.tidy(() => tf.clone(vars.state().factor));
  }

  getWeights(): NamedTensors {
    return this.variables('getWeights').getWeights();
  }

  /** Assigns saved weights (creating the variables on a mixture not fitted yet). */
  setWeights(weights: NamedTensors): void {
    const fn = `${NAME}.setWeights`;
    if (this.vars) this.vars.setWeights(fn, weights);
    else this.vars = MixtureVariables.fromWeights(fn, this.covariance, this.components, weights);
  }

  dispose(): void {
    this.vars?.dispose();
    this.vars = undefined;
  }

  private weighted(x: tf.Tensor, vars: MixtureVariables): tf.Tensor {
    return tf.tidy(() => weightedLogProb(x, vars.state(), this.covariance));
  }

  private withRows<T extends tf.Tensor>(
    method: string,
    x: Rows,
    compute: (rows: tf.Tensor, vars: MixtureVariables) => T,
  ): T {
    const fn = `${NAME}.${method}`;
    const vars = this.variables(method);
    const { tensor, owned } = toRows(fn, x, { dim: vars.d });
    try {
      if (this.options.validateArgs && finiteChecksEnabled()) assertFiniteRowsSync(fn, tensor);
      return tf.tidy(() => compute(tensor, vars));
    } finally {
      if (owned) tensor.dispose();
    }
  }

  private criterion(method: string, x: Rows, perParameter: (n: number) => number): tf.Scalar {
    const p = this.parameterCount;
    return this.withRows(method, x, (t, v) => {
      const n = t.shape[0]!;
      const total = tf.sum(tf.logSumExp(this.weighted(t, v), 1));
      return tf.add(tf.mul(-2, total), p * perParameter(n)) as tf.Scalar;
    });
  }

  private variables(method: string): MixtureVariables {
    if (this.vars === undefined) {
      throw new NotFittedError(
        `${NAME}.${method}: the mixture has no parameters yet; call fit(x), initialize(x) or setWeights(weights) first`,
      );
    }
    return this.vars;
  }
}

registerModel('@gen/mixture', NAME, {
  new: (options) => new GaussianMixture(options as unknown as GaussianMixtureOptions),
});
