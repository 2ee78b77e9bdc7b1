// Barrel of the continuous families (owned by whoever adds continuous families).
export { Beta, type BetaParams } from './beta.js';
export { Cauchy, type CauchyParams } from './cauchy.js';
export { Chi2, type Chi2Params } from './chi2.js';
export { Dirichlet, type DirichletParams } from './dirichlet.js';
export { DoubleSidedMaxwell, type DoubleSidedMaxwellParams } from './double-sided-maxwell.js';
export { Exponential, type ExponentialParams } from './exponential.js';
export { Gamma, type GammaParams } from './gamma.js';
export { Gumbel, type GumbelParams } from './gumbel.js';
export { HalfCauchy, type HalfCauchyParams } from './half-cauchy.js';
export { HalfNormal, type HalfNormalParams } from './half-normal.js';
export { Laplace, type LaplaceParams } from './laplace.js';
export { LogNormal, type LogNormalParams } from './log-normal.js';
export { Logistic, type LogisticParams } from './logistic.js';
export {
  LowRankMultivariateNormal,
  type LowRankMultivariateNormalParams,
} from './low-rank-multivariate-normal.js';
export { MultivariateNormal, type MultivariateNormalParams } from './multivariate-normal.js';
export { Normal, type NormalParams } from './normal.js';
export { Pareto, type ParetoParams } from './pareto.js';
export { StudentT, type StudentTParams } from './student-t.js';
export { Uniform, type UniformParams } from './uniform.js';
export { VonMises, type VonMisesParams } from './von-mises.js';
export { Weibull, type WeibullParams } from './weibull.js';
