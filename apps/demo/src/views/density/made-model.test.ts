import { initBackend, Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MadeModel } from './made-model.js';
import { DensityRun } from './session.js';
import { gridMass } from './test-support.js';

const settings = { learningRate: 3e-3, batchSize: 64, lossKey: '', components: 0, seed: 0 };

describe('MadeModel (wasm)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('trains, scores and samples with finite values and frees every tensor', async () => {
    const start = tf.memory().numTensors;
    const rng = Rng.fromSeed(3);
    const x = tf.tidy(() => tf.mul(rng.normal([256, 2]), 0.5) as tf.Tensor2D);
    const grid = tf.tidy(() => rng.uniform([50, 2], -2, 2) as tf.Tensor2D);
    const model = new MadeModel(settings);
    const first = await model.train(x, 0, rng);
    const last = await model.train(x, 60, rng);
    expect(Number.isFinite(first)).toBe(true);
    expect(Number.isFinite(last)).toBe(true);
    // N(0, 0.25 I) has entropy log(2πe·0.25) ≈ 1.45 nats; training approaches it from above.
    expect(last).toBeLessThan(first);
    const heat = model.heat(grid);
    const samples = model.sample(40, rng);
    expect(heat.shape).toEqual([50]);
    expect(samples.shape).toEqual([40, 2]);
    expect(Array.from(await heat.data()).every(Number.isFinite)).toBe(true);
    expect(Array.from(await samples.data()).every(Number.isFinite)).toBe(true);
    tf.dispose([heat, samples, x, grid]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('on the 8 Gaussians: the NLL falls and exp(log p) integrates to ≈ 1 over the grid', async () => {
    const run = await DensityRun.create({
      ...settings,
      model: 'made',
      dataset: '8gaussians',
      learningRate: 1e-2,
      batchSize: 128,
    });
    const first = run.metric;
    await run.train(300);
    expect(run.metric).toBeLessThan(first);
    // Riemann sum in data units over the grid, which covers the data with a margin.
    const frame = await run.frame();
    const mass = gridMass(frame);
    expect(mass).toBeGreaterThan(0.9);
    expect(mass).toBeLessThan(1.1);
    run.dispose();
  });
});
