import { initBackend, Rng } from '@gen/core';
import { makeToy } from '@gen/data';
import { fitAdversarial } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Gan } from './gan.js';
import type { GanLoss } from './losses.js';

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
        callbacks: [gan.callback(), { onStepEnd: () => void counts.push(tf.memory().numTensors) }],
      });
      expect(new Set(counts.slice(1)).size, loss).toBe(1);
      expect(tf.memory().numTensors, loss).toBe(before);
      gan.dispose();
    }
    x.dispose();
  });

  // Adam(1e-3, β₁ = 0.5, β₂ = 0.9) as in WGAN-GP; deterministic seeds on the cpu backend.
  it.each([
    ['non-saturating', {}],
    ['least-squares', { labelSmoothing: 0.9 }],
    ['wasserstein-gp', { discriminatorSteps: 5 }],
    ['hinge', { instanceNoise: { std: 0.3, decaySteps: 200 } }],
    [{ fgan: 'js' }, {}],
  ] as [GanLoss, object][])(
    '%j moves a 1-D generator from N(0, ·) toward N(3, 0.5²)',
    async (loss, extra) => {
      const x = Rng.fromSeed(7).normal([512, 1], 3, 0.5);
      const gan = Gan.mlp({
        dataSize: 1,
        latentSize: 1,
        hiddenSizes: [16],
        loss,
        seed: 0,
        ...extra,
      });
      const start = moments(gan, 500);
      await fitAdversarial(gan, x, {
        steps: 250,
        batchSize: 64,
        discriminatorSteps: gan.discriminatorSteps,
        discriminatorOptimizer: tf.train.adam(1e-3, 0.5, 0.9),
        generatorOptimizer: tf.train.adam(1e-3, 0.5, 0.9),
        rng: Rng.fromSeed(8),
      });
      const end = moments(gan, 500);
      expect(Math.abs(end.mean - 3)).toBeLessThan(0.5 * Math.abs(start.mean - 3));
      x.dispose();
      gan.dispose();
    },
  );

  it('fake samples land on the ring after a short non-saturating run', async () => {
    const { x, centers, std } = makeToy('ring8', { n: 1024, seed: 0, std: 0.05 });
    const gan = Gan.mlp({ dataSize: 2, latentSize: 4, hiddenSizes: [32, 32], seed: 1 });
    const radius = () =>
      tf.tidy(
        () => tf.mean(tf.norm(gan.sample(400, Rng.fromSeed(5)), 'euclidean', 1)).dataSync()[0]!,
      );
    const before = Math.abs(radius() - 1);
    await fitAdversarial(gan, x, {
      steps: 300,
      batchSize: 128,
      learningRate: 2e-3,
      rng: Rng.fromSeed(4),
    });
    expect(Math.abs(radius() - 1)).toBeLessThan(0.5 * before);
    expect(centers).toHaveLength(8);
    expect(std).toBe(0.05);
    x.dispose();
    gan.dispose();
  });
});
