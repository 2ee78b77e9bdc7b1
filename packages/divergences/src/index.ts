/**
 * Divergences between distributions and between samples: every classic f-divergence (exact,
 * closed form, Monte Carlo, 1-D and 2-D quadrature), the Rényi divergence, the f-GAN variational
 * bounds, Wasserstein, Sinkhorn, MMD with its permutation test and median-heuristic bandwidth,
 * the energy distance and the Fréchet distance between fitted Gaussians (FID's formula).
 *
 * @packageDocumentation
 * @module @gen/divergences
 */
export { type DivergenceMethod, type DivergenceOptions, divergence } from './divergence.js';
export { type DivergenceEstimateOptions, divergenceEstimate } from './divergence-estimate.js';
export { alphaDivergence } from './f-divergences/alpha-divergence.js';
export type { FDivergence, FDivergenceName } from './f-divergences/f-divergence.js';
export { lambertW, wrightOmega } from './f-divergences/lambert-w.js';
export { fDivergenceNames, fDivergences } from './f-divergences/table.js';
export {
  type VariationalBoundOptions,
  variationalBound,
} from './f-divergences/variational-bound.js';
export type { DivergenceEstimate } from './monte-carlo.js';
export { type DivergenceName, divergenceNames } from './names.js';
export type { ProbabilityVector } from './probability-vector.js';
export type { QuadratureRange } from './quadrature-grid.js';
export { type RenyiDivergenceOptions, renyiDivergence } from './renyi/renyi-divergence.js';
export { energyDistance } from './transport/energy-distance.js';
export {
  type FrechetDistanceOptions,
  frechetDistance,
} from './transport/frechet-distance.js';
export {
  type MedianHeuristicOptions,
  medianHeuristic,
} from './transport/median-heuristic.js';
export { type MmdOptions, mmd } from './transport/mmd.js';
export { type MmdTestOptions, type MmdTestResult, mmdTest } from './transport/mmd-test.js';
export type { SampleLike } from './transport/samples.js';
export { type SinkhornOptions, type SinkhornResult, sinkhorn } from './transport/sinkhorn.js';
export {
  type SlicedWassersteinOptions,
  slicedWasserstein,
} from './transport/sliced-wasserstein.js';
export { type Wasserstein1dOptions, wasserstein1d } from './transport/wasserstein-1d.js';
