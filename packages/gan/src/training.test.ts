import { initBackend, Rng } from '@gen/core';
import { makeToy } from '@gen/data';
import { Mlp } from '@gen/nn';
import { cosineDecay, fitAdversarial } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Gan } from './gan.js';
import type { GanLoss } from './losses.js';
import { modeCoverage } from './mode-coverage.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** Mean and std of `n` generator draws (1-D). */
function moments(gan: Gan, n: number): { mean: number; std: number } {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(gan.sample(n, Rng.fromSeed(99)));
    return { mean: mean.dataSync()[0]!, std: Math.sqrt(variance.dataSync()[0]!) };
  });
}

const noise = (loss: string) =>
  loss === 'wasserstein-gp' ? { instanceNoise: { std: 0.2, decaySteps: 5 } } : {};

describe('training with fitAdversarial', () => {
  it('numTensors stays flat step by step (wasserstein-gp with instance noise, wasserstein with clipping)', async () => {
    const x = Rng.fromSeed(1).normal([64, 2]);
    for (const loss of ['wasserstein-gp', 'wasserstein', 'non-saturating'] as const) {
      const gan = Gan.mlp({
        dataSize: 2,
        latentSize: 2,
        hiddenSizes: [8],
        loss,
        seed: 3,
        ...noise(loss),
      });
      const counts: number[] = [];
      const before = tf.memory().numTensors;
      await fitAdversarial(gan, x, {
        steps: 12,
        batchSize: 16,
        discriminatorSteps: 2,
        rng: Rng.fromSeed(2),
        callbacks: [{ onStepEnd: () => void counts.push(tf.memory().numTensors) }],
      });
      expect(new Set(counts.slice(1)).size, loss).toBe(1);
      expect(tf.memory().numTensors, loss).toBe(before);
      gan.dispose();
    }
    x.dispose();
  });

  // A linear generator G(z) = a·z + b, z ~ N(0, 1), can represent N(3, 0.5²) exactly, so the fit
  // is judged against the target itself. The generator learns from n_d = 4096 draws of the target
  // and is measured on n_g = 4000 draws, so with σ = 0.5 the standard errors of a perfect fit are
  //   SE(mean) = σ·√(1/n_g + 1/n_d) = 0.0111,   SE(std) ≈ σ·√(1/(2n_g) + 1/(2n_d)) = 0.0079,
  // and 4 SE (two-sided false-failure rate 6e-5) allows 0.044 and 0.031. Adam(3e-2, β = (0.5,
  // 0.9)) with cosine decay to 0 over 600 steps of batch 512, a 16-unit leaky-ReLU critic;
  // deterministic seeds on the cpu backend. Measured: least-squares (2.999, 0.511), f-GAN KL
  // (3.012, 0.492), Pearson (2.992, 0.507), hinge (3.035, 0.518). The non-saturating loss without
  // instance noise ends at std 0.445 on this budget (a classic 1-D partial collapse; it needs
  // ~1000 steps at 2e-2) and is covered by the ring test below; 'wasserstein-gp' is left out
  // because in 1-D its two-sided penalty traps a critic that starts with the wrong slope s: the
  // loss −d·s + λ(|s| − 1)² has a local minimum at s = −(1 − d/(2λ)) while d < 2λ (d = 3 here).
  it.each([
    ['least-squares', { labelSmoothing: 0.9 }],
    [{ fgan: 'kl' }, { instanceNoise: { std: 0.5, decaySteps: 300 } }],
    [{ fgan: 'pearson' }, {}],
    ['hinge', { instanceNoise: { std: 0.3, decaySteps: 300 } }],
  ] as [GanLoss, object][])(
    '%j fits N(3, 0.5²): mean and std of 4000 samples within 4 SE of the target',
    async (loss, extra) => {
      const x = Rng.fromSeed(7).normal([4096, 1], 3, 0.5);
      const generator = new Mlp({ inputSize: 1, hiddenSizes: [], outputSize: 1, seed: 1 });
      const discriminator = new Mlp({
        inputSize: 1,
        hiddenSizes: [16],
        outputSize: 1,
        activation: 'leakyRelu',
        seed: 2,
      });
      const gan = new Gan({ generator, discriminator, latentSize: 1, loss, ...extra });
      const steps = 600;
      await fitAdversarial(gan, x, {
        steps,
        batchSize: 512,
        discriminatorSteps: gan.discriminatorSteps,
        discriminatorOptimizer: tf.train.adam(3e-2, 0.5, 0.9),
        generatorOptimizer: tf.train.adam(3e-2, 0.5, 0.9),
        learningRate: cosineDecay({ initial: 3e-2, steps }),
        rng: Rng.fromSeed(8),
      });
      const { mean, std } = moments(gan, 4000);
      const [seMean, seStd] = [
        0.5 * Math.sqrt(1 / 4000 + 1 / 4096),
        0.5 * Math.sqrt(1 / 8000 + 1 / 8192),
      ];
      expect(Math.abs(mean - 3), `mean ${mean}`).toBeLessThan(4 * seMean);
      expect(Math.abs(std - 0.5), `std ${std}`).toBeLessThan(4 * seStd);
      x.dispose();
      gan.dispose();
    },
  );

  // Adam with β₁ = 0.5 (Radford et al. 2016) and a cosine-decayed rate: with tfjs's default
  // β₁ = 0.9 the radius still swings between 0.2 and 2.1 at step 300 and where it stops is luck.
  it('a short non-saturating run spreads the fakes around the whole ring', async () => {
    const { x, centers, std } = makeToy('ring8', { n: 1024, seed: 0, std: 0.05 });
    const gan = Gan.mlp({ dataSize: 2, latentSize: 4, hiddenSizes: [32, 32], seed: 1 });
    const steps = 300;
    await fitAdversarial(gan, x, {
      steps,
      batchSize: 128,
      learningRate: cosineDecay({ initial: 2e-3, steps }),
      discriminatorOptimizer: tf.train.adam(2e-3, 0.5, 0.999, 1e-7),
      generatorOptimizer: tf.train.adam(2e-3, 0.5, 0.999, 1e-7),
      rng: Rng.fromSeed(4),
    });
    const fakes = gan.sample(1000, Rng.fromSeed(5));
    // Mean distance from the origin within 5% of the ring's radius 1, and every one of the 8
    // modes is the nearest centre of some sample within 3 std (it is too short a run for most
    // samples to be that close: ~7% are).
    const radius = tf.tidy(() => tf.mean(tf.norm(fakes, 'euclidean', 1)).dataSync()[0]!);
    expect(Math.abs(radius - 1)).toBeLessThan(0.05);
    expect(modeCoverage(fakes, centers!, std as number).modes).toBe(8);
    tf.dispose([x, fakes]);
    gan.dispose();
  });
});
