/**
 * The cost functions of Mohamed et al. (2020) §3 (reference/papers.md §2.3), vectorised over a
 * grid of k, with their exact expectations and gradients under x ∼ N(μ, σ²).
 */
import * as tf from '@tensorflow/tfjs-core';

export type CostId = 'quadratic' | 'exp' | 'cos';

/** Exact E[f] and its gradients with respect to μ and σ. */
export interface ExactGradient {
  value: number;
  loc: number;
  scale: number;
}

export interface CostSpec {
  id: CostId;
  label: string;
  /** The k values swept (the papers' Figs 2–3 ranges, coarser). */
  grid: number[];
  /** f(x; k) for draws x [..., K] against k [K] (broadcast along the last axis). */
  apply(x: tf.Tensor, k: tf.Tensor): tf.Tensor;
  exact(k: number, mu: number, sigma: number): ExactGradient;
}

function logspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => a * (b / a) ** (i / (n - 1)));
}

export const COSTS: Record<CostId, CostSpec> = {
  quadratic: {
    id: 'quadratic',
    label: '(x − k)²',
    grid: Array.from({ length: 13 }, (_, i) => -3 + 0.5 * i),
    apply: (x, k) => tf.square(tf.sub(x, k)),
    exact: (k, mu, sigma) => ({
      value: (mu - k) ** 2 + sigma ** 2,
      loc: 2 * (mu - k),
      scale: 2 * sigma,
    }),
  },
  exp: {
    id: 'exp',
    label: 'exp(−k x²)',
    grid: logspace(0.1, 10, 9),
    apply: (x, k) => tf.exp(tf.neg(tf.mul(k, tf.square(x)))),
    exact: (k, mu, sigma) => {
      const a = 1 + 2 * k * sigma ** 2;
      const value = a ** -0.5 * Math.exp((-k * mu ** 2) / a);
      return {
        value,
        loc: ((-2 * k * mu) / a) * value,
        scale: value * ((4 * k ** 2 * mu ** 2 * sigma) / a ** 2 - (2 * k * sigma) / a),
      };
    },
  },
  cos: {
    id: 'cos',
    label: 'cos(k x)',
    grid: logspace(0.5, 5, 9),
    apply: (x, k) => tf.cos(tf.mul(k, x)),
    exact: (k, mu, sigma) => {
      const damp = Math.exp((-(k ** 2) * sigma ** 2) / 2);
      return {
        value: Math.cos(k * mu) * damp,
        loc: -k * Math.sin(k * mu) * damp,
        scale: -(k ** 2) * sigma * Math.cos(k * mu) * damp,
      };
    },
  },
};
