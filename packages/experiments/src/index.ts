/**
 * Reproducible experiments composed from the `@gen` packages, callable from the `gen` CLI, the
 * demo or your own code: the f-GAN experiment (a Gaussian fitted to a mixture under five
 * divergences, by quadrature and with a critic) and its train/test table.
 *
 * @packageDocumentation
 * @module @gen/experiments
 */
export {
  type FitSnapshot,
  type GaussianFitState,
  GaussianFits,
  type GaussianFitsOptions,
  type GaussianFitsState,
} from './fgan/gaussian-fits.js';
export {
  FGAN_LABELS,
  FGAN_NAMES,
  type FganName,
  type GaussianFit,
} from './fgan/names.js';
export {
  QUADRATURE_SCHEDULE,
  quadratureDivergence,
  quadratureFit,
} from './fgan/quadrature-fit.js';
export type { QuadratureName, QuadratureOptions } from './fgan/quadrature-options.js';
export { type FganOptions, type FganResult, runFgan } from './fgan/run-fgan.js';
export { FGAN_MIXTURE, type MixtureSpec, mixtureOf, momentMatch } from './fgan/target.js';
export {
  formatMatrix,
  offDiagonalMinima,
  PUBLISHED_FGAN_TABLE,
  trainTestMatrix,
} from './fgan/train-test-matrix.js';
export { type Budget, type VariationalFit, variationalFit } from './fgan/variational-fit.js';
