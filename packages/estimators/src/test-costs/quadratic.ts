import { assertFiniteNumber } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { costParameter, exponentialRate, normalParams, sweep, type TestCost } from './test-cost.js';

const fn = 'testCosts.quadratic';

/**
 * f(x; k) = (x − k)². Under N(μ, σ²): E f = (μ − k)² + σ², ∂μ = 2(μ − k), ∂σ = 2σ. Under
 * Exponential(λ): E f = 1/λ² + (1/λ − k)², ∂λ = −4/λ³ + 2k/λ².
 */
export const quadratic: TestCost = {
  name: 'quadratic',
  label: (k = 'k') => `(x − ${k})²`,
  cost: (k) => {
    const c = costParameter(`${fn}.cost`, k);
    return (x) => tf.tidy(() => tf.square(tf.sub(x, c)));
  },
  evaluate: (x, k) => (x - k) ** 2,
  grid: sweep(-3, 3, 13, 'linear'),
  exact: {
    normal: (params, k) => {
      const { mu, sigma } = normalParams(`${fn}.exact.normal`, params);
      assertFiniteNumber(`${fn}.exact.normal`, 'k', k);
      return {
        value: (mu - k) ** 2 + sigma ** 2,
        gradient: { loc: 2 * (mu - k), scale: 2 * sigma },
      };
    },
    exponential: (params, k) => {
      const rate = exponentialRate(`${fn}.exact.exponential`, params);
      assertFiniteNumber(`${fn}.exact.exponential`, 'k', k);
      return {
        value: 1 / rate ** 2 + (1 / rate - k) ** 2,
        gradient: { rate: -4 / rate ** 3 + (2 * k) / rate ** 2 },
      };
    },
  },
};
