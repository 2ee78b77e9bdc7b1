/**
 * Monte Carlo gradient estimators behind one surrogate interface: score function with
 * baselines, pathwise, measure-valued (weak derivatives), VIMCO, NVIL, RELAX/REBAR,
 * Gumbel-softmax relaxations, and variance diagnostics.
 *
 * @packageDocumentation
 * @module @gen/estimators
 */
export type { ControlVariate, ControlVariateFunction } from './control-variate.js';
export type { DistributionFactory } from './diagnostics/distribution-factory.js';
export {
  estimatorSweep,
  type GridPoint,
  gridPoints,
  type SweepOptions,
  type SweepRow,
} from './diagnostics/estimator-sweep.js';
export {
  type GradientStats,
  type GradientStatsOptions,
  gradientStats,
  type ParamGradientStats,
} from './diagnostics/gradient-stats.js';
export {
  MeasureValuedEstimator,
  type MeasureValuedOptions,
  measureValued,
} from './measure-valued.js';
export { NvilEstimator, type NvilOptions, nvil } from './nvil/nvil.js';
export { PathwiseEstimator, pathwise } from './pathwise.js';
export { RelaxEstimator, type RelaxOptions, rebar, relax } from './relax/relax.js';
export type { RelaxationOptions } from './relaxed/relaxation-options.js';
export {
  RelaxedBernoulli,
  type RelaxedBernoulliParams,
  relaxedBernoulli,
} from './relaxed/relaxed-bernoulli.js';
export {
  type RelaxedCategoricalParams,
  RelaxedOneHotCategorical,
  relaxedCategorical,
} from './relaxed/relaxed-categorical.js';
export {
  BASELINES,
  type Baseline,
  ScoreFunctionEstimator,
  type ScoreFunctionOptions,
  scoreFunction,
} from './score-function.js';
export type {
  ExactCost,
  ExactCostFunction,
  TestCost,
  TestCostName,
} from './test-costs/test-cost.js';
export { testCosts } from './test-costs/test-costs.js';
export { type VimcoBaseline, VimcoEstimator, type VimcoOptions, vimco } from './vimco.js';
export {
  type DistributionClass,
  hasWeakDerivative,
  registerWeakDerivative,
  type WeakDerivative,
  type WeakDerivativeContext,
  type WeakDerivativeDraws,
} from './weak-derivatives/index.js';
