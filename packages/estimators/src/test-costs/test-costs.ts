import { cosine } from './cosine.js';
import { gaussianBump } from './gaussian-bump.js';
import { quadratic } from './quadratic.js';
import type { TestCost, TestCostName } from './test-cost.js';

/**
 * The test costs of Mohamed et al. (2020, "Monte Carlo Gradient Estimation in Machine Learning",
 * §3), with which the score-function, pathwise and measure-valued estimators are compared:
 * (x − k)², cos(kx) and exp(−kx²), each with its exact expectation and exact gradients under
 * N(μ, σ²) (and under Exponential(λ) where a closed form exists), so an estimate can be checked
 * against the truth.
 *
 * ```ts
 * const c = testCosts.cos;
 * const { loss } = pathwise().surrogate(new Normal({ loc, scale }), c.cost(2), { samples: 100, rng });
 * c.exact.normal({ loc: 1, scale: 1 }, 2).gradient; // { loc: ∂E/∂μ, scale: ∂E/∂σ }
 * ```
 */
export const testCosts: Readonly<Record<TestCostName, TestCost>> = Object.freeze({
  quadratic,
  cos: cosine,
  exp: gaussianBump,
});
