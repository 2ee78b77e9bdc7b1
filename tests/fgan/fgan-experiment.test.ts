import { initBackend, Rng } from '@gen/core';
import { Mixture, Normal } from '@gen/distributions';
import { divergence, fDivergences, variationalBound } from '@gen/divergences';
import { Mlp } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

// The f-GAN experiment "approximate a mixture of Gaussians by a single Gaussian" (Nowozin et al.
// 2016; reference/papers.md §1.4). The paper's mixture is not known, so this one is ours:
//   P = 0.5 N(−2, 0.7²) + 0.3 N(1.5, 0.8²) + 0.2 N(4, 1²),
// three well-separated, unequal modes, so that the five optima differ (μ* from −0.07 to 1.03,
// σ* from 2.20 to 2.65). Q_θ = N(μ, σ²), θ = (μ, log σ).
const WEIGHTS = [0.5, 0.3, 0.2];
const MEANS = [-2, 1.5, 4];
const SCALES = [0.7, 0.8, 1];
const NAMES = ['kl', 'reverse-kl', 'js', 'jeffreys', 'pearson'] as const;
type Name = (typeof NAMES)[number];
const LABELS: Record<Name, string> = {
  kl: 'KL',
  'reverse-kl': 'KL-rev',
  js: 'JS',
  jeffreys: 'Jeffrey',
  pearson: 'Pearson',
};
// 1001 Simpson nodes over mean ∓ 12σ of P and Q: error < 1e−7 for components of scale ≥ 0.7.
const QUADRATURE = { method: 'quadrature', points: 1001 } as const;

// Variational training (Algorithm 1, single-step simultaneous updates): a 2×64 tanh critic from
// @gen/nn, batches of 1024 real and 1024 fake draws, Adam with step size 0.01 for the critic,
// 0.02 for the generator (0.005 over the last 40% of steps, whose iterates are averaged),
// 100 critic-only warm-up steps, then 400 steps. Fewer than the paper (it trains to
// convergence) to keep this test near 60 s on a 2-core machine: ≈ 12 s per divergence.
const BATCH = 1024;
const WARM_UP = 100;
const STEPS = 500;
const AVERAGE_FROM = 300;

interface Fit {
  mu: number;
  sigma: number;
}

const target = () =>
  new Mixture({ probs: WEIGHTS, components: new Normal({ loc: MEANS, scale: SCALES }) });

function model(mu: tf.Tensor, logSigma: tf.Tensor): Normal {
  return new Normal({ loc: mu, scale: tf.exp(logSigma), validateArgs: false });
}

function quadratureDivergence(name: Name, p: Mixture, fit: Fit): number {
  return tf.tidy(() => {
    const q = new Normal({ loc: fit.mu, scale: fit.sigma });
    const d = divergence(name, p, q, QUADRATURE).dataSync()[0]!;
    q.dispose();
    return d;
  });
}

/** θ* = argmin D_f(P‖Q_θ) by Adam on the quadrature divergence, step size 0.05 → 5e−4. */
function quadratureFit(name: Name, p: Mixture): Fit & { gradient: number } {
  const mu = tf.variable(tf.scalar(0));
  const logSigma = tf.variable(tf.scalar(Math.log(2)));
  const loss = () => divergence(name, p, model(mu, logSigma), QUADRATURE) as tf.Scalar;
  for (const [rate, steps] of [
    [0.05, 120],
    [0.005, 60],
    [5e-4, 40],
  ]) {
    const optimizer = tf.train.adam(rate);
    for (let i = 0; i < steps!; i++) tf.dispose(optimizer.minimize(loss) ?? undefined);
    optimizer.dispose();
  }
  const { grads, value } = tf.variableGrads(loss, [mu, logSigma]);
  const gradient = Math.hypot(...Object.values(grads).map((g) => g.dataSync()[0]!));
  const fit = { mu: mu.dataSync()[0]!, sigma: Math.exp(logSigma.dataSync()[0]!), gradient };
  tf.dispose([mu, logSigma, value, ...Object.values(grads)]);
  return fit;
}

/**
 * The f-GAN saddle point: the critic ascends F = E_P[g_f(V)] − E_Q[f*(g_f(V))], the generator
 * μ + σz descends it. Returns the averaged generator and the final critic's bound F̂ with its
 * standard error on 20 000 fresh draws of each.
 */
function variationalFit(name: Name, p: Mixture, seed: number): Fit & { bound: number; se: number } {
  const rng = Rng.fromSeed(seed);
  const critic = new Mlp({
    inputSize: 1,
    hiddenSizes: [64, 64],
    outputSize: 1,
    activation: 'tanh',
    rng: rng.split(1)[0]!,
  });
  const mu = tf.variable(tf.scalar(0));
  const logSigma = tf.variable(tf.scalar(Math.log(2)));
  const criticOptimizer = tf.train.adam(0.01);
  const generatorOptimizer = tf.train.adam(0.02);
  // All draws at once: one sampling call instead of one per step.
  const real = tf.reshape(p.sample(BATCH * STEPS, rng), [STEPS * BATCH, 1]);
  const noise = rng.normal([STEPS * BATCH, 1]);
  const average = { mu: 0, logSigma: 0 };
  for (let step = 0; step < STEPS; step++) {
    // tfjs has no public setter; Adam reads its learningRate at every step.
    if (step === AVERAGE_FROM)
      (generatorOptimizer as unknown as { learningRate: number }).learningRate = 0.005;
    tf.tidy(() => {
      const x = tf.slice(real, [step * BATCH, 0], [BATCH, 1]);
      const z = tf.slice(noise, [step * BATCH, 0], [BATCH, 1]);
      const { grads } = tf.variableGrads(() => {
        const fake = tf.add(mu, tf.mul(tf.exp(logSigma), z));
        return variationalBound(name, critic.apply(x), critic.apply(fake));
      });
      criticOptimizer.applyGradients(
        critic.trainableVariables.map((v) => ({ name: v.name, tensor: tf.neg(grads[v.name]!) })),
      );
      if (step >= WARM_UP) {
        generatorOptimizer.applyGradients(
          [mu, logSigma].map((v) => ({ name: v.name, tensor: grads[v.name]! })),
        );
      }
    });
    if (step >= AVERAGE_FROM) {
      average.mu += mu.dataSync()[0]! / (STEPS - AVERAGE_FROM);
      average.logSigma += logSigma.dataSync()[0]! / (STEPS - AVERAGE_FROM);
    }
  }
  const [bound, se] = tf.tidy(() => {
    const n = 20000;
    const row = fDivergences[name];
    const q = new Normal({ loc: average.mu, scale: Math.exp(average.logSigma) });
    const realTerms = row.activation(critic.apply(tf.reshape(p.sample(n, rng), [n, 1])));
    const fakeTerms = row.conjugateActivation(critic.apply(tf.reshape(q.sample(n, rng), [n, 1])));
    const r = tf.moments(realTerms);
    const f = tf.moments(fakeTerms);
    const value = tf.sub(r.mean, f.mean).dataSync()[0]!;
    const error = Math.sqrt((r.variance.dataSync()[0]! + f.variance.dataSync()[0]!) / (n - 1));
    q.dispose();
    return [value, error];
  });
  tf.dispose([mu, logSigma, real, noise]);
  critic.dispose();
  criticOptimizer.dispose();
  generatorOptimizer.dispose();
  return { mu: average.mu, sigma: Math.exp(average.logSigma), bound: bound!, se: se! };
}

/** Rows: the fit trained with each divergence; columns: each divergence at that fit. */
function trainTestMatrix(p: Mixture, fits: Record<Name, Fit>): number[][] {
  return NAMES.map((row) => NAMES.map((column) => quadratureDivergence(column, p, fits[row])));
}

function formatMatrix(title: string, matrix: number[][], fits: Record<Name, Fit>): string {
  const pad = (s: string, w: number) => s.padStart(w);
  const header = ['train \\ test', ...NAMES.map((n) => LABELS[n]), 'μ', 'σ'];
  const lines = [title, header.map((h, i) => pad(h, i === 0 ? 12 : 9)).join(' ')];
  NAMES.forEach((name, i) => {
    const cells = matrix[i]!.map((v) => pad(v.toFixed(4), 9));
    const { mu, sigma } = fits[name];
    lines.push(
      [pad(LABELS[name], 12), ...cells, pad(mu.toFixed(3), 9), pad(sigma.toFixed(3), 9)].join(' '),
    );
  });
  return lines.join('\n');
}

describe('f-GAN experiment: a Gaussian fitted to a mixture of three Gaussians', () => {
  let p: Mixture;
  const optima = {} as Record<Name, Fit & { gradient: number }>;

  beforeAll(async () => {
    await initBackend('wasm');
    p = target();
    for (const name of NAMES) optima[name] = quadratureFit(name, p);
  });

  it('finds stationary quadrature optima; under KL it is moment matching', () => {
    for (const name of NAMES) expect(optima[name].gradient, name).toBeLessThan(2e-3);
    // KL(P‖Q_θ) is minimised by μ* = Σwm, σ*² = Σw(s² + m²) − μ*² (papers.md §1.4).
    const mu = WEIGHTS.reduce((s, w, k) => s + w * MEANS[k]!, 0);
    const second = WEIGHTS.reduce((s, w, k) => s + w * (SCALES[k]! ** 2 + MEANS[k]! ** 2), 0);
    expect(Math.abs(optima.kl.mu - mu)).toBeLessThan(2e-3);
    expect(Math.abs(optima.kl.sigma - Math.sqrt(second - mu * mu))).toBeLessThan(2e-3);
    // Mode seeking vs mass covering: reverse KL is narrowest, Pearson widest.
    expect(optima['reverse-kl'].sigma).toBeLessThan(optima.kl.sigma);
    expect(optima.pearson.sigma).toBeGreaterThan(optima.kl.sigma);
  });

  it('has the smallest value of every column of the 5×5 train/test matrix on its diagonal', () => {
    const matrix = trainTestMatrix(p, optima);
    console.log(
      formatMatrix(
        'f-GAN train/test matrix at the quadrature optima (nats; js halved):',
        matrix,
        optima,
      ),
    );
    NAMES.forEach((column, j) => {
      NAMES.forEach((row, i) => {
        if (i !== j) {
          expect(matrix[j]![j]!, `${row} row vs diagonal, ${column} column`).toBeLessThan(
            matrix[i]![j]!,
          );
        }
      });
    });
  });

  const variational = {} as Record<Name, Fit>;
  // The generator's term f*(T*) = r f′(r) − f(r), r = p/q, stays bounded where P has no mass
  // (r → 0) for KL (→ 0), JS (→ ½ log 2) and Pearson (→ −1), but diverges like log r for reverse
  // KL and Jeffrey, so the critic must reach large negative values in Q's tails, where no draw
  // of P pins it: a tanh critic trained for a few hundred steps does not, under-penalises Q's
  // tails and leaves σ̂ too large. Measured over four seeds (this file's and three others):
  // σ̂ − σ* = +0.16…+0.27 (reverse KL) and +0.26…+0.31 (Jeffrey), |σ̂ − σ*| ≤ 0.08 for the
  // others; |μ̂ − μ*| ≤ 0.14 (Jeffrey) and ≤ 0.06 otherwise. The tolerances add a margin of
  // about 0.05–0.1 to those (the runs are deterministic on wasm for a given seed).
  const TOLERANCE: Record<Name, Fit> = {
    kl: { mu: 0.15, sigma: 0.12 },
    'reverse-kl': { mu: 0.15, sigma: 0.35 },
    js: { mu: 0.15, sigma: 0.12 },
    jeffreys: { mu: 0.25, sigma: 0.4 },
    pearson: { mu: 0.15, sigma: 0.12 },
  };
  NAMES.forEach((name, k) => {
    it(`trains a variational (f-GAN) fit under ${LABELS[name]} near its quadrature optimum`, () => {
      const fit = variationalFit(name, p, 100 + k);
      variational[name] = fit;
      const optimum = optima[name];
      expect(Math.abs(fit.mu - optimum.mu), `μ̂ = ${fit.mu}, μ* = ${optimum.mu}`).toBeLessThan(
        TOLERANCE[name].mu,
      );
      expect(
        Math.abs(fit.sigma - optimum.sigma),
        `σ̂ = ${fit.sigma}, σ* = ${optimum.sigma}`,
      ).toBeLessThan(TOLERANCE[name].sigma);
      // The trained critic's bound is a lower bound of the divergence at the trained model.
      const exact = quadratureDivergence(name, p, fit);
      expect(fit.bound, `F̂ = ${fit.bound} ± ${fit.se}, D = ${exact}`).toBeLessThanOrEqual(
        exact + 4 * fit.se,
      );
    });
  });

  it('prints the train/test matrix of the variational fits', () => {
    expect(Object.keys(variational)).toHaveLength(NAMES.length);
    const matrix = trainTestMatrix(p, variational);
    console.log(
      formatMatrix(
        'f-GAN train/test matrix at the variational fits (nats; js halved):',
        matrix,
        variational,
      ),
    );
    // Where the critic is unbiased (bounded f*(T*): KL, JS, Pearson) the variational fit is
    // within 2% of the best its own divergence can do (measured: 0.1–0.3%, the noise of the
    // averaged iterates); reverse KL and Jeffrey pay for the σ̂ bias above (≈ 12%).
    NAMES.forEach((name, i) => {
      if (name === 'reverse-kl' || name === 'jeffreys') return;
      expect(matrix[i]![i]!, name).toBeLessThan(1.02 * quadratureDivergence(name, p, optima[name]));
    });
  });
});
