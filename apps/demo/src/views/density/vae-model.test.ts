import { initBackend, Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DensityRun } from './session.js';
import { gridMass } from './test-support.js';
import { VaeDensityModel } from './vae-model.js';

const settings = { learningRate: 3e-3, batchSize: 64, lossKey: '', components: 0, seed: 0 };

describe('VaeDensityModel (wasm)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('trains, scores and samples with finite values and frees every tensor', async () => {
    const start = tf.memory().numTensors;
    const rng = Rng.fromSeed(3);
    const x = tf.tidy(() => tf.mul(rng.normal([256, 2]), 0.5) as tf.Tensor2D);
    const grid = tf.tidy(() => rng.uniform([50, 2], -2, 2) as tf.Tensor2D);
    const model = new VaeDensityModel(settings);
    const first = await model.train(x, 0, rng);
    const last = await model.train(x, 60, rng);
    expect(Number.isFinite(first)).toBe(true);
    expect(Number.isFinite(last)).toBe(true);
    expect(last).toBeLessThan(first);
    const heat = model.heat(grid);
    const again = model.heat(grid);
    const samples = model.sample(40, rng);
    expect(heat.shape).toEqual([50]);
    expect(samples.shape).toEqual([40, 2]);
    expect(Array.from(await heat.data()).every(Number.isFinite)).toBe(true);
    // The heatmap uses fixed z draws: the same points give the same ELBO.
    expect(Array.from(await again.data())).toEqual(Array.from(await heat.data()));
    expect(Array.from(await samples.data()).every(Number.isFinite)).toBe(true);
    tf.dispose([heat, again, samples, x, grid]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('on the 8 Gaussians: −ELBO falls and exp(ELBO) integrates to at most ≈ 1', async () => {
    const run = await DensityRun.create({
      ...settings,
      model: 'vae',
      dataset: '8gaussians',
      learningRate: 1e-2,
      batchSize: 128,
    });
    const first = run.metric;
    await run.train(300);
    expect(run.metric).toBeLessThan(first);
    // ELBO ≤ log p(x), so its Riemann sum is below p's mass on the grid (≤ 1, up to Monte Carlo
    // noise of the 8-draw ELBO); a trained model puts most of it there.
    const frame = await run.frame();
    const mass = gridMass(frame);
    expect(mass).toBeLessThan(1.05);
    expect(mass).toBeGreaterThan(0.3);
    run.dispose();
  });
});
