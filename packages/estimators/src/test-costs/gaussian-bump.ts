import { assertNonNegative } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { costParameter, normalParams, sweep, type TestCost } from './test-cost.js';

const fn = 'testCosts.exp';

/**
 * f(x; k) = exp(−kx²), k ≥ 0. Under N(μ, σ²), with a = 1 + 2kσ²: E f = a^{−1/2} e^{−kμ²/a},
 * ∂μ = −(2kμ/a)·E f, ∂σ = E f·(4k²μ²σ/a² − 2kσ/a). (Under the Exponential E f involves erfc,
 * which has no stable float64 form in JavaScript, so no closed form is given.)
 */
export const gaussianBump: TestCost = {
  name: 'exp',
  label: (k = 'k') => `exp(−${k}x²)`,
  cost: (k) => {
    const c = costParameter(`${fn}.cost`, k);
    return (x) => tf.tidy(() => tf.exp(tf.mul(tf.square(x), tf.neg(c))));
  },
  evaluate: (x, k) => Math.exp(-k * x * x),
  grid: sweep(0.1, 10, 9, 'log'),
  exact: {
    normal: (params, k) => {
      const { mu, sigma } = normalParams(`${fn}.exact.normal`, params);
      assertNonNegative(`${fn}.exact.normal`, 'k', k);
      const a = 1 + 2 * k * sigma * sigma;
      const value = a ** -0.5 * Math.exp((-k * mu * mu) / a);
      return {
        value,
        gradient: {
          loc: ((-2 * k * mu) / a) * value,
          scale: value * ((4 * k * k * mu * mu * sigma) / a ** 2 - (2 * k * sigma) / a),
        },
      };
    },
  },
};
