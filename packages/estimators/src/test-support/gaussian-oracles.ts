import * as tf from '@tensorflow/tfjs-core';

/**
 * Closed forms for x ∼ N(μ, σ²) (papers.md §2.3, checked there against the score-function
 * integral to 1e-6): E[f] and its derivatives in μ and σ, with the cost as a tfjs function.
 */
export interface GaussianCase {
  name: string;
  k: number;
  cost: (x: tf.Tensor) => tf.Tensor;
  value: (mu: number, sigma: number) => number;
  dMu: (mu: number, sigma: number) => number;
  dSigma: (mu: number, sigma: number) => number;
}

export function quadratic(k: number): GaussianCase {
  return {
    name: `(x − ${k})²`,
    k,
    cost: (x) => tf.square(tf.sub(x, k)),
    value: (mu, sigma) => (mu - k) ** 2 + sigma ** 2,
    dMu: (mu) => 2 * (mu - k),
    dSigma: (_mu, sigma) => 2 * sigma,
  };
}

export function cosine(k: number): GaussianCase {
  const damp = (sigma: number) => Math.exp((-k * k * sigma * sigma) / 2);
  return {
    name: `cos(${k}x)`,
    k,
    cost: (x) => tf.cos(tf.mul(x, k)),
    value: (mu, sigma) => Math.cos(k * mu) * damp(sigma),
    dMu: (mu, sigma) => -k * Math.sin(k * mu) * damp(sigma),
    dSigma: (mu, sigma) => -k * k * sigma * Math.cos(k * mu) * damp(sigma),
  };
}

export function gaussianBump(k: number): GaussianCase {
  const a = (sigma: number) => 1 + 2 * k * sigma * sigma;
  const value = (mu: number, sigma: number) =>
    a(sigma) ** -0.5 * Math.exp((-k * mu * mu) / a(sigma));
  return {
    name: `exp(−${k}x²)`,
    k,
    cost: (x) => tf.exp(tf.mul(tf.square(x), -k)),
    value,
    dMu: (mu, sigma) => ((-2 * k * mu) / a(sigma)) * value(mu, sigma),
    dSigma: (mu, sigma) =>
      value(mu, sigma) *
      ((4 * k * k * mu * mu * sigma) / a(sigma) ** 2 - (2 * k * sigma) / a(sigma)),
  };
}

/**
 * Exact single-sample variances of the gradient estimators of E[(x − k)²] under N(μ, σ²),
 * d = μ − k (papers.md §2.3): [Var for μ, Var for σ].
 */
export function quadraticVariances(
  mu: number,
  sigma: number,
  k: number,
): Record<'scoreFunction' | 'pathwise' | 'mvdCoupled' | 'mvdIndependent', [number, number]> {
  const d = mu - k;
  const [d2, d4, s2] = [d * d, d ** 4, sigma * sigma];
  return {
    scoreFunction: [d4 / s2 + 14 * d2 + 15 * s2, (2 * d4) / s2 + 60 * d2 + 74 * s2],
    pathwise: [4 * s2, 4 * d2 + 8 * s2],
    mvdCoupled: [(4 * d2 * (4 - Math.PI)) / Math.PI, 4 * d2 + 4 * s2],
    mvdIndependent: [(4 * d2 * (4 - Math.PI) + 8 * s2) / (2 * Math.PI), 16 * d2 + 8 * s2],
  };
}

/** Mean, standard error and unbiased variance of a sample (float64). */
export function moments(values: ArrayLike<number>): { mean: number; se: number; variance: number } {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
  const variance = squares / (n - 1);
  return { mean, se: Math.sqrt(variance / n), variance };
}
