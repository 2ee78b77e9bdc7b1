import { initBackend, Rng } from '@gen/core';
import { expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Gan1d, QuadraticGame } from '../test/games.js';
import { fitAdversarial } from './fit-adversarial.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('fitAdversarial', () => {
  it('makes k discriminator updates, then one generator update, each on its own variables', async () => {
    // L_D = ½(d − r̄)² + d·g and L_G = ½(g − d)² under SGD(η): d ← d − η(d − r̄ + g) on each real
    // batch, g fixed; then g ← g − η(g − d), d fixed. Replayed here in float64.
    const x = tf.tensor2d([[1], [2], [3], [4], [5], [6], [7]]);
    const model = new QuadraticGame();
    const [etaD, etaG] = [0.1, 0.3];
    const result = await fitAdversarial(model, x, {
      steps: 4,
      batchSize: 3,
      discriminatorSteps: 2,
      discriminatorOptimizer: tf.train.sgd(etaD),
      generatorOptimizer: tf.train.sgd(etaG),
      logEvery: 2,
    });
    let [d, g] = [0, 1];
    const dLosses: number[] = [];
    const gLosses: number[] = [];
    for (let step = 0; step < 4; step++) {
      for (let j = 0; j < 2; j++) {
        const real = model.realBatches[2 * step + j]!;
        const mean = real.reduce((a, b) => a + b) / real.length;
        dLosses.push(0.5 * (d - mean) ** 2 + d * g);
        d -= etaD * (d - mean + g);
      }
      gLosses.push(0.5 * (g - d) ** 2);
      g -= etaG * (g - d);
    }
    expectClose(model.d, d, { atol: 1e-5, rtol: 1e-5 });
    expectClose(model.g, g, { atol: 1e-5, rtol: 1e-5 });
    // 7 rows in batches of 3 (the last of each pass holds 1), 2 per step, so steps straddle
    // passes; the generator draws as many fakes as the last real batch of its step held.
    expect(model.realBatches.map((b) => b.length)).toEqual([3, 3, 1, 3, 3, 1, 3, 3]);
    expect(model.generatorSizes).toEqual([3, 3, 1, 3]);
    expect(result).toMatchObject({ step: 4, epoch: 2, stopReason: 'completed' });
    const mean = (v: number[]) => v.reduce((a, b) => a + b) / v.length;
    expect(result.history.map((h) => h.step)).toEqual([2, 4]);
    expectClose(result.history[0]!.discriminatorLoss!, mean(dLosses.slice(0, 4)), { rtol: 1e-5 });
    expectClose(result.history[1]!.generatorLoss!, mean(gLosses.slice(2)), { rtol: 1e-5 });
    x.dispose();
    model.dispose();
  });

  it('counts epochs as passes over the real data, k batches per step', async () => {
    const x = tf.zeros([40, 1]);
    const model = new QuadraticGame();
    // 4 batches per epoch, 2 per step: 3 epochs are 6 steps.
    const result = await fitAdversarial(model, x, {
      epochs: 3,
      batchSize: 10,
      discriminatorSteps: 2,
    });
    expect(result).toMatchObject({ step: 6, epoch: 3 });
    expect(model.realBatches).toHaveLength(12);
    x.dispose();
    model.dispose();
  });

  it('trains a 1-D non-saturating GAN whose generator moves from ≈0 to N(3, 0.5)', async () => {
    const real = Rng.fromSeed(2).normal([512, 1], 3, 0.5);
    const gan = new Gan1d(3);
    const meanOfSamples = async () => {
      const s = gan.sample(2000, Rng.fromSeed(5));
      const m = (await tf.mean(s).data())[0]!;
      s.dispose();
      return m;
    };
    const before = await meanOfSamples();
    const { history } = await fitAdversarial(gan, real, {
      steps: 600,
      batchSize: 64,
      learningRate: 3e-3,
      rng: Rng.fromSeed(3),
      logEvery: 50,
    });
    const after = await meanOfSamples();
    // The generator starts near 0; adversarial training oscillates around the data mean, so the
    // check is a band around 3 (the standard error of 2000 samples, ~0.004, is negligible).
    expect(Math.abs(before)).toBeLessThan(0.1);
    expect(Math.abs(after - 3)).toBeLessThan(0.5);
    expect(history).toHaveLength(12);
    for (const row of history) {
      expect(Number.isFinite(row.discriminatorLoss) && Number.isFinite(row.generatorLoss)).toBe(
        true,
      );
    }
    real.dispose();
    gan.dispose();
  });

  it('rejects bad options naming the function, argument and value', async () => {
    const x = tf.zeros([8, 1]);
    const model = new QuadraticGame();
    const shared = tf.train.sgd(0.1);
    await expect(fitAdversarial(model, x, { steps: 2, discriminatorSteps: 0 })).rejects.toThrow(
      "fitAdversarial: argument 'discriminatorSteps' must be an integer >= 1, got 0",
    );
    await expect(
      fitAdversarial(model, x, {
        steps: 2,
        discriminatorOptimizer: shared,
        generatorOptimizer: shared,
      }),
    ).rejects.toThrow(/fitAdversarial: argument 'generatorOptimizer' must be a separate instance/);
    await expect(fitAdversarial(model, x, { steps: 2, validation: {} } as never)).rejects.toThrow(
      /fitAdversarial: unknown option 'validation'/,
    );
    await expect(
      fitAdversarial({ generatorLoss: () => 0 } as never, x, { steps: 2 }),
    ).rejects.toThrow(/fitAdversarial: argument 'model' must be an AdversarialModel/);
    x.dispose();
    shared.dispose();
    model.dispose();
  });
});
