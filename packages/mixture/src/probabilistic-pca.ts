import {
  assertInteger,
  assertKnownOptions,
  assertNonNegative,
  assertOneOf,
  type EmModel,
  InvalidArgumentError,
  invalidArgument,
  isRng,
  type ModelConfig,
  modelConfig,
  type NamedTensors,
  Rng,
  registerModel,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { NotFittedError } from './errors.js';
import { toRowsArray, toVector } from './host-tensors.js';
import { assertFiniteRows, type Rows, toRows } from './input.js';
import { lowRankCovariance, lowRankLogDensity } from './low-rank-gaussian.js';
import { checkWeights } from './mixture-variables.js';
import {
  type Covariance,
  closedForm,
  covarianceOf,
  emStep,
  gaussianOf,
  logLikelihood,
  posteriorMap,
} from './ppca-math.js';
import { sampleMoments } from './sample-moments.js';

const NAME = 'ProbabilisticPca';

/** How `ProbabilisticPca.fit` finds the maximum-likelihood parameters. */
export type PpcaMethod = 'closed-form' | 'em';
export const PPCA_METHODS: readonly PpcaMethod[] = ['closed-form', 'em'];

export interface ProbabilisticPcaOptions {
  /** Latent dimension k, 1 ≤ k < D and k ≤ N. */
  components: number;
  /** Default 'closed-form' (one eigendecomposition); 'em' iterates Tipping & Bishop's EM. */
  method?: PpcaMethod;
  /** EM iterations at most (default 1000). */
  maxIterations?: number;
  /** EM stops when the mean log-likelihood changes by less than this (default 1e-6). */
  tolerance?: number;
  /** Seed of EM's random starting W (default 0). */
  seed?: number;
}

/** What `ProbabilisticPca.fit` resolves with. */
export interface ProbabilisticPcaFitResult {
  /** Always true for 'closed-form'; for 'em', whether the change fell below `tolerance`. */
  converged: boolean;
  /** EM iterations run (0 for 'closed-form'). */
  iterations: number;
  /** Mean log-likelihood of the training rows at the fitted parameters. */
  logLikelihood: number;
  /** EM: the mean log-likelihood before every iteration. */
  history: number[];
}

interface Params {
  mean: Float64Array;
  /** W, D×k row-major. */
  loadings: Float64Array;
  noiseVariance: number;
}

/**
 * Probabilistic PCA (Tipping & Bishop 1999), the linear-Gaussian latent-variable model
 * z ~ N(0, I_k), x | z ~ N(Wz + μ, σ²I_D), so x ~ N(μ, WWᵀ + σ²I). `fit` finds the maximum
 * likelihood either in closed form, W = U_k (Λ_k − σ²I)^{1/2} and σ² the mean of the D − k
 * discarded eigenvalues of the covariance S (denominator N), or by EM; W is identified only up to
 * a rotation (WR for orthogonal R gives the same model), so compare WWᵀ. EM also runs one step at
 * a time as an `EmModel` for @gen/train's `fitEm` (`initialize`, `emStep`). Host float64 for the
 * D×D algebra, the device for everything per row.
 *
 * ```ts
 * const ppca = new ProbabilisticPca({ components: 2 });
 * const { logLikelihood } = await ppca.fit(x);   // x: [N, D]
 * const z = ppca.transform(x);                    // posterior means E[z | x], [N, 2]
 * const draws = ppca.sample(100, Rng.fromSeed(0)); // [100, D]
 * ```
 */
export class ProbabilisticPca implements EmModel {
  /** The latent dimension k. */
  readonly componentCount: number;
  readonly method: PpcaMethod;
  private readonly maxIterations: number;
  private readonly tolerance: number;
  private readonly seed: number;
  private readonly config: ModelConfig;
  private params: Params | undefined;
  // S of the last tensor given to initialize/emStep: tensors are immutable, so it stays valid
  // while that tensor lives, and fitEm passes the same one every step.
  private cached: { x: tf.Tensor; cov: Covariance; mean: Float64Array } | undefined;

  constructor(options: ProbabilisticPcaOptions) {
    const fn = NAME;
    if (options === null || typeof options !== 'object') {
      throw invalidArgument(fn, 'options', options, 'must be an options object with `components`');
    }
    assertKnownOptions(fn, options, ['components', 'method', 'maxIterations', 'tolerance', 'seed']);
    const {
      components,
      method = 'closed-form',
      maxIterations = 1000,
      tolerance = 1e-6,
      seed = 0,
    } = options;
    assertInteger(fn, 'components', components, 1);
    assertOneOf(fn, 'method', method, PPCA_METHODS);
    assertInteger(fn, 'maxIterations', maxIterations, 1);
    assertNonNegative(fn, 'tolerance', tolerance);
    assertInteger(fn, 'seed', seed, 0);
    this.componentCount = components;
    this.method = method;
    this.maxIterations = maxIterations;
    this.tolerance = tolerance;
    this.seed = seed;
    this.config = modelConfig('@gen/mixture', NAME, 'new', {
      components,
      method,
      maxIterations,
      tolerance,
      seed,
    });
  }

  /** How `loadModel` from @gen/nn rebuilds this model (the fitted parameters are its weights). */
  toConfig(): ModelConfig {
    return structuredClone(this.config);
  }

  /** The data dimension D, once fitted, initialised or given weights. */
  get dim(): number | undefined {
    return this.params?.mean.length;
  }

  /** μ, [D]. */
  get mean(): number[] {
    return Array.from(this.fitted('mean').mean);
  }

  /** W, [D][k]. */
  get loadings(): number[][] {
    const p = this.fitted('loadings');
    const k = this.componentCount;
    return Array.from({ length: p.mean.length }, (_, i) =>
      Array.from(p.loadings.subarray(i * k, (i + 1) * k)),
    );
  }

  /** σ². */
  get noiseVariance(): number {
    return this.fitted('noiseVariance').noiseVariance;
  }

  /** Maximum likelihood on rows x [N, D] by the configured method. */
  async fit(x: Rows): Promise<ProbabilisticPcaFitResult> {
    const fn = `${NAME}.fit`;
    const k = this.componentCount;
    const { cov, mean } = await this.prepare(fn, x);
    if (this.method === 'closed-form') {
      const { loadings, noiseVariance } = closedForm(fn, cov, k);
      this.params = this.checked(fn, { mean, loadings, noiseVariance });
      const value = logLikelihood(cov, loadings, k, noiseVariance);
      return { converged: true, iterations: 0, logLikelihood: value, history: [] };
    }
    this.params = this.start(fn, cov, mean);
    const history: number[] = [];
    let converged = false;
    while (history.length < this.maxIterations && !converged) {
      const step = this.step(fn, cov, mean);
      const previous = history.at(-1);
      history.push(step);
      converged = previous !== undefined && Math.abs(step - previous) < this.tolerance;
    }
    const { loadings, noiseVariance } = this.params;
    const value = logLikelihood(cov, loadings, k, noiseVariance);
    return { converged, iterations: history.length, logLikelihood: value, history };
  }

  /** EM's starting point: μ = x̄, W with N(0, tr S / D) entries from `seed`, σ² = tr S / D. */
  async initialize(x: Rows): Promise<void> {
    const fn = `${NAME}.initialize`;
    const { cov, mean } = await this.prepare(fn, x);
    this.params = this.start(fn, cov, mean);
  }

  /**
   * One EM iteration on all of x (Tipping & Bishop eqs. 29–30); resolves with the mean
   * log-likelihood before it (EM's bound, tight at the E-step).
   */
  async emStep(x: Rows): Promise<{ lowerBound: number }> {
    const fn = `${NAME}.emStep`;
    const current = this.fitted('emStep');
    const { cov, mean } = await this.prepare(fn, x, current.mean.length);
    return { lowerBound: this.step(fn, cov, mean) };
  }

  /** log N(xₙ | μ, WWᵀ + σ²I) per row, [N]. */
  logProb(x: Rows): tf.Tensor {
    const fn = `${NAME}.logProb`;
    const p = this.fitted('logProb');
    return this.withRows(fn, x, p.mean.length, 'x', (rows) =>
      lowRankLogDensity(
        fn,
        rows,
        gaussianOf(fn, p.mean, p.loadings, this.componentCount, p.noiseVariance),
      ),
    );
  }

  /** The mean of `logProb(x)`. */
  score(x: Rows): tf.Scalar {
    const perRow = this.logProb(x);
    try {
      return tf.mean(perRow) as tf.Scalar;
    } finally {
      perRow.dispose();
    }
  }

  /** `n` draws Wz + μ + σε, z ~ N(0, I_k), ε ~ N(0, I_D): [n, D]. */
  sample(n: number, rng: Rng): tf.Tensor {
    const fn = `${NAME}.sample`;
    assertInteger(fn, 'n', n, 1);
    if (!isRng(rng)) throw invalidArgument(fn, 'rng', rng, 'must be an Rng');
    const p = this.fitted('sample');
    const d = p.mean.length;
    return tf.tidy(() => {
      const z = rng.normal([n, this.componentCount]);
      const noise = rng.normal([n, d], 0, Math.sqrt(p.noiseVariance));
      const w = tf.tensor2d(Float32Array.from(p.loadings), [d, this.componentCount]);
      return tf.add(tf.add(tf.matMul(z, w, false, true), noise), toVector(p.mean));
    });
  }

  /** The posterior means E[z | xₙ] = M⁻¹Wᵀ(xₙ − μ), M = WᵀW + σ²I: [N, k]. */
  transform(x: Rows): tf.Tensor {
    const fn = `${NAME}.transform`;
    const p = this.fitted('transform');
    const d = p.mean.length;
    const k = this.componentCount;
    const map = posteriorMap(p.loadings, d, k, p.noiseVariance);
    return this.withRows(fn, x, d, 'x', (rows) =>
      tf.matMul(tf.sub(rows, toVector(p.mean)), tf.tensor2d(Float32Array.from(map), [d, k])),
    );
  }

  /** The mean of x given z, Wz + μ per row of z [N, k]: [N, D]. */
  inverseTransform(z: Rows): tf.Tensor {
    const fn = `${NAME}.inverseTransform`;
    const p = this.fitted('inverseTransform');
    const d = p.mean.length;
    const k = this.componentCount;
    return this.withRows(fn, z, k, 'z', (rows) =>
      tf.add(
        tf.matMul(rows, tf.tensor2d(Float32Array.from(p.loadings), [d, k]), false, true),
        toVector(p.mean),
      ),
    );
  }

  /** The model covariance WWᵀ + σ²I, [D][D]. */
  getCovariance(): number[][] {
    const fn = `${NAME}.getCovariance`;
    const p = this.fitted('getCovariance');
    const g = gaussianOf(fn, p.mean, p.loadings, this.componentCount, p.noiseVariance);
    return toRowsArray(lowRankCovariance(g), p.mean.length);
  }

  /** `mean` [D], `loadings` (W) [D, k] and `noiseVariance` [], as float32 tensors the caller owns. */
  getWeights(): NamedTensors {
    const p = this.fitted('getWeights');
    const d = p.mean.length;
    return {
      mean: toVector(p.mean),
      loadings: tf.tensor2d(Float32Array.from(p.loadings), [d, this.componentCount]),
      noiseVariance: tf.scalar(p.noiseVariance),
    };
  }

  /** Restores what `getWeights` returned; σ² must be positive. */
  setWeights(weights: NamedTensors): void {
    const fn = `${NAME}.setWeights`;
    const mean = weights?.mean;
    const d = mean instanceof tf.Tensor && mean.rank === 1 ? mean.shape[0]! : (this.dim ?? 1);
    checkWeights(fn, weights, { mean: [d], loadings: [d, this.componentCount], noiseVariance: [] });
    const noiseVariance = weights.noiseVariance!.dataSync()[0]!;
    if (!(noiseVariance > 0)) {
      throw invalidArgument(fn, 'weights.noiseVariance', noiseVariance, 'must be positive');
    }
    this.params = {
      mean: Float64Array.from(weights.mean!.dataSync()),
      loadings: Float64Array.from(weights.loadings!.dataSync()),
      noiseVariance,
    };
  }

  /** Forgets the parameters and the cached covariance (no tensors are held between calls). */
  dispose(): void {
    this.params = undefined;
    this.cached = undefined;
  }

  /** Validates rows and returns their covariance S and mean (cached per live tensor). */
  private async prepare(fn: string, x: Rows, dim?: number) {
    const hit = this.cached;
    if (hit?.x === x && !hit.x.isDisposed && (dim === undefined || hit.cov.d === dim)) return hit;
    const { tensor, owned } = toRows(fn, x, { dim, minRows: 2, dimName: 'the data dimension' });
    try {
      const [n, d] = tensor.shape as [number, number];
      const k = this.componentCount;
      if (k >= d || k > n) {
        throw invalidArgument(
          fn,
          'x',
          tensor,
          `must have more than components = ${k} columns and at least ${k} rows (components < D, components ≤ N)`,
        );
      }
      await assertFiniteRows(fn, tensor);
      const moments = await sampleMoments(tensor);
      const entry = { x: tensor, cov: covarianceOf(moments), mean: moments.mean };
      this.cached = owned ? undefined : entry;
      return entry;
    } finally {
      if (owned) tensor.dispose();
    }
  }

  private start(fn: string, cov: Covariance, mean: Float64Array): Params {
    const scale = cov.traceS / cov.d;
    if (!(scale > 0)) {
      throw new InvalidArgumentError(
        `${fn}: argument 'x' must vary (all its rows are equal: zero total variance)`,
      );
    }
    const draw = Rng.fromSeed(this.seed).normal([cov.d, this.componentCount], 0, Math.sqrt(scale));
    const loadings = Float64Array.from(draw.dataSync());
    draw.dispose();
    return { mean, loadings, noiseVariance: scale };
  }

  /**
   * One EM step in place (μ is x̄, its maximum-likelihood value whatever W and σ² are); returns
   * the log-likelihood before it (at the previous μ only if that was already x̄).
   */
  private step(fn: string, cov: Covariance, mean: Float64Array): number {
    const p = this.params!;
    const next = emStep(cov, p.loadings, this.componentCount, p.noiseVariance);
    this.params = this.checked(fn, {
      mean,
      loadings: next.loadings,
      noiseVariance: next.noiseVariance,
    });
    return next.logLikelihood;
  }

  private checked(fn: string, p: Params): Params {
    if (!(p.noiseVariance > 0)) {
      throw new InvalidArgumentError(
        `${fn}: argument 'x' lies in a subspace of dimension ≤ components = ${this.componentCount} (the noise variance came out ${p.noiseVariance}); fit fewer components`,
      );
    }
    return p;
  }

  private withRows(
    fn: string,
    x: Rows,
    dim: number,
    arg: string,
    compute: (rows: tf.Tensor) => tf.Tensor,
  ): tf.Tensor {
    const dimName = arg === 'z' ? 'the components' : 'the data dimension';
    const { tensor, owned } = toRows(fn, x, { dim, arg, dimName });
    try {
      return tf.tidy(() => compute(tensor));
    } finally {
      if (owned) tensor.dispose();
    }
  }

  private fitted(method: string): Params {
    if (this.params === undefined) {
      throw new NotFittedError(
        `${NAME}.${method}: the model has no parameters yet; call fit(x), initialize(x) or setWeights(weights) first`,
      );
    }
    return this.params;
  }
}

registerModel('@gen/mixture', NAME, {
  new: (options) => new ProbabilisticPca(options as unknown as ProbabilisticPcaOptions),
});
