import { Mixture, Normal } from '@gen/distributions';
import { divergence } from '@gen/divergences';
import * as tf from '@tensorflow/tfjs-core';

// The f-GAN experiment "approximate a mixture of Gaussians by a single Gaussian" (Nowozin et al.
// 2016; reference/papers.md §1.4). The paper's mixture is not known, so this one is ours:
//   P = 0.5 N(−2, 0.7²) + 0.3 N(1.5, 0.8²) + 0.2 N(4, 1²),
// three well-separated, unequal modes, so that the five optima differ (μ* from −0.07 to 1.03,
// σ* from 2.20 to 2.65). Q_θ = N(μ, σ²), θ = (μ, log σ).
export const WEIGHTS = [0.5, 0.3, 0.2];
export const MEANS = [-2, 1.5, 4];
export const SCALES = [0.7, 0.8, 1];

/** The five divergences of the paper's table, in its order. */
export const NAMES = ['kl', 'reverse-kl', 'js', 'jeffreys', 'pearson'] as const;
export type FganName = (typeof NAMES)[number];

/** The paper's column labels. */
export const LABELS: Record<FganName, string> = {
  kl: 'KL',
  'reverse-kl': 'KL-rev',
  js: 'JS',
  jeffreys: 'Jeffrey',
  pearson: 'Pearson',
};

/** A fitted Gaussian N(μ, σ²). */
export interface Fit {
  mu: number;
  sigma: number;
}

// 1001 Simpson nodes over mean ∓ 12σ of P and Q: error < 1e−7 for components of scale ≥ 0.7.
const QUADRATURE = { method: 'quadrature', points: 1001 } as const;

/** The target mixture P (the caller disposes it). */
export const target = (): Mixture =>
  new Mixture({ probs: WEIGHTS, components: new Normal({ loc: MEANS, scale: SCALES }) });

/** The moment-matching Gaussian, which minimises KL(P‖Q_θ) (papers.md §1.4). */
export function momentMatch(): Fit {
  const mu = WEIGHTS.reduce((s, w, k) => s + w * MEANS[k]!, 0);
  const second = WEIGHTS.reduce((s, w, k) => s + w * (SCALES[k]! ** 2 + MEANS[k]! ** 2), 0);
  return { mu, sigma: Math.sqrt(second - mu * mu) };
}

function model(mu: tf.Tensor, logSigma: tf.Tensor): Normal {
  return new Normal({ loc: mu, scale: tf.exp(logSigma), validateArgs: false });
}

/** D_f(P‖N(μ, σ²)) by 1-D quadrature. */
export async function quadratureDivergence(name: FganName, p: Mixture, fit: Fit): Promise<number> {
  const d = tf.tidy(() => {
    const q = new Normal({ loc: fit.mu, scale: fit.sigma });
    const value = divergence(name, p, q, QUADRATURE);
    q.dispose();
    return value;
  });
  const value = (await d.data())[0]!;
  d.dispose();
  return value;
}

/**
 * θ* = argmin D_f(P‖Q_θ) by Adam on the quadrature divergence, step size 0.05 → 5e−4; also
 * returns the gradient norm there (a stationarity check).
 */
export async function quadratureFit(
  name: FganName,
  p: Mixture,
): Promise<Fit & { gradient: number }> {
  const mu = tf.variable(tf.scalar(0));
  const logSigma = tf.variable(tf.scalar(Math.log(2)));
  const loss = () => divergence(name, p, model(mu, logSigma), QUADRATURE) as tf.Scalar;
  for (const [rate, steps] of [
    [0.05, 120],
    [0.005, 60],
    [5e-4, 40],
  ] as const) {
    const optimizer = tf.train.adam(rate);
    for (let i = 0; i < steps; i++) tf.dispose(optimizer.minimize(loss) ?? undefined);
    optimizer.dispose();
  }
  const { grads, value } = tf.variableGrads(loss, [mu, logSigma]);
  const g = await Promise.all(Object.values(grads).map(async (t) => (await t.data())[0]!));
  const [m, s] = await Promise.all([mu.data(), logSigma.data()]);
  tf.dispose([mu, logSigma, value, ...Object.values(grads)]);
  return { mu: m[0]!, sigma: Math.exp(s[0]!), gradient: Math.hypot(...g) };
}
