/**
 * Gaussian mixture models: EM with full, diagonal, spherical and tied covariances, k-means++
 * restarts, BIC/AIC and clustering, and gradient training as a `GenerativeModel`; PCA and
 * probabilistic PCA, the linear latent-variable baselines.
 *
 * @packageDocumentation
 * @module @gen/mixture
 */
export { NotFittedError } from './errors.js';
export type { FitCallOptions, GaussianMixtureFitResult } from './fit-em.js';
export { GaussianMixture } from './gaussian-mixture.js';
export type { Rows } from './input.js';
export {
  COVARIANCE_TYPES,
  type CovarianceArray,
  type CovarianceType,
  type GaussianMixtureOptions,
  INIT_METHODS,
  type InitialParameters,
  type InitMethod,
} from './options.js';
export { Pca, type PcaOptions } from './pca.js';
export {
  PPCA_METHODS,
  type PpcaMethod,
  ProbabilisticPca,
  type ProbabilisticPcaFitResult,
  type ProbabilisticPcaOptions,
} from './probabilistic-pca.js';
