// Barrel of the continuous families (owned by whoever adds continuous families).
export { Beta, type BetaParams } from './beta.js';
export { DoubleSidedMaxwell, type DoubleSidedMaxwellParams } from './double-sided-maxwell.js';
export { Exponential, type ExponentialParams } from './exponential.js';
export { Gamma, type GammaParams } from './gamma.js';
export { Laplace, type LaplaceParams } from './laplace.js';
export { MultivariateNormal, type MultivariateNormalParams } from './multivariate-normal.js';
export { Normal, type NormalParams } from './normal.js';
export { Uniform, type UniformParams } from './uniform.js';
export { Weibull, type WeibullParams } from './weibull.js';
