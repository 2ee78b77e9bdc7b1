import {
  assertInteger,
  assertKnownOptions,
  invalidArgument,
  type ModelConfig,
  modelConfig,
  type NamedTensors,
  registerModel,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { NotFittedError } from './errors.js';
import { toMatrix, toRowsArray, toVector } from './host-tensors.js';
import { assertFiniteRows, type Rows, toRows } from './input.js';
import { lowRankCovariance, lowRankLogDensity } from './low-rank-gaussian.js';
import { checkWeights } from './mixture-variables.js';
import { fitPcaState, type PcaState } from './pca-state.js';

const NAME = 'Pca';

export interface PcaOptions {
  /** Number of principal components k, 1 ≤ k ≤ min(N, D) of the data given to `fit`. */
  components: number;
  /**
   * Scale the coordinates that `transform` returns to unit variance on the training rows
   * (divide by √explainedVariance; scikit-learn's `whiten`). Default false.
   */
  whiten?: boolean;
}

/**
 * Principal component analysis, as scikit-learn's `PCA` (same attributes, same numbers, same
 * signs): the k leading eigenvectors of the sample covariance S = Σₙ (xₙ − x̄)(xₙ − x̄)ᵀ / (N − 1)
 * are the principal axes (`components`, [k][D]), their eigenvalues the explained variances, and
 * `transform` projects centred rows onto the axes. The covariance is formed on the device and
 * decomposed in float64 on the host (Householder + QL, O(D³): fine up to D ≈ 1000, e.g. 784 for
 * MNIST). Signs follow scikit-learn 1.2's `svd_flip` (u-based): the training score of largest
 * magnitude along each axis is positive.
 *
 * `score`/`scoreSamples` are the log-likelihood under probabilistic PCA (Tipping & Bishop 1999),
 * N(x̄, Vᵀ diag(explainedVariance − σ²) V + σ² I) with σ² = `noiseVariance`, the mean of the
 * discarded eigenvalues, exactly as scikit-learn's `score_samples` when `whiten` is false.
 * Whitening only rescales the latent coordinates, so the likelihood ignores it (scikit-learn's
 * whitened score scales the axes by √explainedVariance: issue #13898).
 *
 * ```ts
 * const pca = await new Pca({ components: 2 }).fit(x);   // x: [N, D]
 * const z = pca.transform(x);                             // [N, 2]
 * const back = pca.inverseTransform(z);                   // [N, D], the projection onto the plane
 * pca.explainedVarianceRatio;                             // e.g. [0.61, 0.27]
 * ```
 */
export class Pca {
  /** The number of components k. */
  readonly componentCount: number;
  readonly whiten: boolean;
  private state: PcaState | undefined;
  private readonly config: ModelConfig;

  constructor(options: PcaOptions) {
    const fn = NAME;
    if (options === null || typeof options !== 'object') {
      throw invalidArgument(fn, 'options', options, 'must be an options object with `components`');
    }
    assertKnownOptions(fn, options, ['components', 'whiten']);
    const { components, whiten = false } = options;
    assertInteger(fn, 'components', components, 1);
    if (typeof whiten !== 'boolean') {
      throw invalidArgument(fn, 'whiten', whiten, 'must be a boolean');
    }
    this.componentCount = components;
    this.whiten = whiten;
    this.config = modelConfig('@gen/mixture', NAME, 'new', { components, whiten });
  }

  /** How `loadModel` from @gen/nn rebuilds this PCA (the fitted attributes are its weights). */
  toConfig(): ModelConfig {
    return structuredClone(this.config);
  }

  /** The data dimension D, once fitted or given weights. */
  get dim(): number | undefined {
    return this.state?.mean.length;
  }

  /** The principal axes, [k][D], unit rows in decreasing order of variance (`components_`). */
  get components(): number[][] {
    return this.fitted('components').components.map((row) => Array.from(row));
  }

  /** Variance of the training rows along each axis (eigenvalues of S), [k]. */
  get explainedVariance(): number[] {
    return Array.from(this.fitted('explainedVariance').explainedVariance);
  }

  /** Each explained variance over the total variance tr S, [k]. */
  get explainedVarianceRatio(): number[] {
    return Array.from(this.fitted('explainedVarianceRatio').explainedVarianceRatio);
  }

  /** Singular values of the centred data matrix, √((N − 1)·explainedVariance), [k]. */
  get singularValues(): number[] {
    return Array.from(this.fitted('singularValues').singularValues);
  }

  /** The per-feature mean x̄ of the training rows, [D]. */
  get mean(): number[] {
    return Array.from(this.fitted('mean').mean);
  }

  /** σ²: the mean of the min(N, D) − k discarded eigenvalues of S (0 when none is discarded). */
  get noiseVariance(): number {
    return this.fitted('noiseVariance').noiseVariance;
  }

  /** Fits to rows x [N, D] (N ≥ 2, NaN and ±Inf refused); resolves with this PCA. */
  async fit(x: Rows): Promise<this> {
    const fn = `${NAME}.fit`;
    const { tensor, owned } = toRows(fn, x, { minRows: 2 });
    try {
      await assertFiniteRows(fn, tensor);
      this.state = await fitPcaState(fn, tensor, this.componentCount);
      return this;
    } finally {
      if (owned) tensor.dispose();
    }
  }

  /** `fit(x)`, then `transform(x)`: the training rows' coordinates [N, k]. */
  async fitTransform(x: Rows): Promise<tf.Tensor> {
    const { tensor, owned } = toRows(`${NAME}.fitTransform`, x, { minRows: 2 });
    try {
      await this.fit(tensor);
      return this.transform(tensor);
    } finally {
      if (owned) tensor.dispose();
    }
  }

  /** Coordinates along the axes, V(x − x̄) per row, divided by √explainedVariance if whitened: [N, k]. */
  transform(x: Rows): tf.Tensor {
    const fn = `${NAME}.transform`;
    const s = this.fitted('transform');
    const { tensor, owned } = toRows(fn, x, { dim: s.mean.length, dimName: 'the data dimension' });
    try {
      return tf.tidy(() => {
        const xc = tf.sub(tensor, toVector(s.mean));
        const z = tf.matMul(xc, toMatrix(s.components, s.mean.length), false, true);
        return this.whiten ? tf.div(z, tf.sqrt(toVector(s.explainedVariance))) : z;
      });
    } finally {
      if (owned) tensor.dispose();
    }
  }

  /** Rows back in data space, x̄ + zV (z scaled by √explainedVariance first if whitened): [N, D]. */
  inverseTransform(z: Rows): tf.Tensor {
    const fn = `${NAME}.inverseTransform`;
    const s = this.fitted('inverseTransform');
    const k = this.componentCount;
    const { tensor, owned } = toRows(fn, z, { dim: k, arg: 'z', dimName: 'the components' });
    try {
      return tf.tidy(() => {
        const scaled = this.whiten
          ? tf.mul(tensor, tf.sqrt(toVector(s.explainedVariance)))
          : tensor;
        const x = tf.matMul(scaled, toMatrix(s.components, s.mean.length));
        return tf.add(x, toVector(s.mean));
      });
    } finally {
      if (owned) tensor.dispose();
    }
  }

  /** The probabilistic-PCA log-density of every row, [N] (scikit-learn's `score_samples`). */
  scoreSamples(x: Rows): tf.Tensor {
    const fn = `${NAME}.scoreSamples`;
    const s = this.fitted('scoreSamples');
    const { tensor, owned } = toRows(fn, x, { dim: s.mean.length, dimName: 'the data dimension' });
    try {
      return lowRankLogDensity(fn, tensor, this.gaussian(s));
    } finally {
      if (owned) tensor.dispose();
    }
  }

  /** The mean of `scoreSamples(x)` (scikit-learn's `score`). */
  score(x: Rows): tf.Scalar {
    const perRow = this.scoreSamples(x);
    try {
      return tf.mean(perRow) as tf.Scalar;
    } finally {
      perRow.dispose();
    }
  }

  /** The model covariance Vᵀ diag(explainedVariance − σ²) V + σ² I, [D][D] (`get_covariance`). */
  getCovariance(): number[][] {
    const s = this.fitted('getCovariance');
    return toRowsArray(lowRankCovariance(this.gaussian(s)), s.mean.length);
  }

  /**
   * The fitted attributes as float32 tensors (the caller disposes them): `mean` [D],
   * `components` [k, D], `explainedVariance`, `explainedVarianceRatio`, `singularValues` [k],
   * `noiseVariance` [].
   */
  getWeights(): NamedTensors {
    const s = this.fitted('getWeights');
    const d = s.mean.length;
    return {
      mean: toVector(s.mean),
      components: toMatrix(s.components, d),
      explainedVariance: toVector(s.explainedVariance),
      explainedVarianceRatio: toVector(s.explainedVarianceRatio),
      singularValues: toVector(s.singularValues),
      noiseVariance: tf.scalar(s.noiseVariance),
    };
  }

  /** Restores what `getWeights` returned (on a fitted PCA or a new one); shapes must match. */
  setWeights(weights: NamedTensors): void {
    const fn = `${NAME}.setWeights`;
    const mean = weights?.mean;
    const d = mean instanceof tf.Tensor && mean.rank === 1 ? mean.shape[0]! : (this.dim ?? 1);
    const k = this.componentCount;
    checkWeights(fn, weights, {
      mean: [d],
      components: [k, d],
      explainedVariance: [k],
      explainedVarianceRatio: [k],
      singularValues: [k],
      noiseVariance: [],
    });
    const read = (name: string) => Float64Array.from(weights[name]!.dataSync());
    const flat = read('components');
    this.state = {
      mean: read('mean'),
      components: Array.from({ length: k }, (_, i) => flat.slice(i * d, (i + 1) * d)),
      explainedVariance: read('explainedVariance'),
      explainedVarianceRatio: read('explainedVarianceRatio'),
      singularValues: read('singularValues'),
      noiseVariance: read('noiseVariance')[0]!,
    };
  }

  /** Forgets the fit (a PCA holds no tensors between calls). */
  dispose(): void {
    this.state = undefined;
  }

  private gaussian(s: PcaState) {
    const noiseVariance = s.noiseVariance;
    return {
      mean: s.mean,
      axes: s.components,
      variances: s.explainedVariance.map((v) => Math.max(v, noiseVariance)),
      noiseVariance,
    };
  }

  private fitted(method: string): PcaState {
    if (this.state === undefined) {
      throw new NotFittedError(
        `${NAME}.${method}: the PCA is not fitted; call fit(x) or setWeights(weights) first`,
      );
    }
    return this.state;
  }
}

registerModel('@gen/mixture', NAME, {
  new: (options) => new Pca(options as unknown as PcaOptions),
});
