/**
 * Gaussian mixture models: EM with full, diagonal, spherical and tied covariances, k-means++
 * restarts, BIC/AIC and clustering, and gradient training as a `GenerativeModel`.
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
