import { assertFiniteNumber } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { costParameter, exponentialRate, normalParams, sweep, type TestCost } from './test-cost.js';

const fn = 'testCosts.cos';

/**
 * f(x; k) = cos(kx). Under N(μ, σ²), with d = e^{−k²σ²/2}: E f = cos(kμ)·d,
 * ∂μ = −k sin(kμ)·d, ∂σ = −k²σ cos(kμ)·d. Under Exponential(λ): E f = λ²/(λ² + k²),
 * ∂λ = 2λk²/(λ² + k²)².
 */
export const cosine: TestCost = {
  name: 'cos',
  label: (k = 'k') => `cos(${k}x)`,
  cost: (k) => {
    const c = costParameter(`${fn}.cost`, k);
    return (x) => tf.tidy(() => tf.cos(tf.mul(x, c)));
  },
  evaluate: (x, k) => Math.cos(k * x),
  grid: sweep(0.5, 5, 9, 'log'),
  exact: {
    normal: (params, k) => {
      const { mu, sigma } = normalParams(`${fn}.exact.normal`, params);
      assertFiniteNumber(`${fn}.exact.normal`, 'k', k);
      const damp = Math.exp((-k * k * sigma * sigma) / 2);
      return {
        value: Math.cos(k * mu) * damp,
        gradient: {
          loc: -k * Math.sin(k * mu) * damp,
          scale: -k * k * sigma * Math.cos(k * mu) * damp,
        },
      };
    },
    exponential: (params, k) => {
      const rate = exponentialRate(`${fn}.exact.exponential`, params);
      assertFiniteNumber(`${fn}.exact.exponential`, 'k', k);
      const r2 = rate * rate;
      return {
        value: r2 / (r2 + k * k),
        gradient: { rate: (2 * rate * k * k) / (r2 + k * k) ** 2 },
      };
    },
  },
};
