import { initBackend } from '@gen/core';
import { memoryCheckpointStore } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_NAMES } from './models.js';
import { DensityRun, GRID_SIZE, MIN_CUSTOM_POINTS } from './session.js';
import { gridMass } from './test-support.js';

const base = { lossKey: 'non-saturating', components: 4, batchSize: 64, seed: 0 };

describe('DensityRun (wasm)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  for (const model of MODEL_NAMES) {
    it(`${model}: trains, draws a finite frame and frees every tensor`, async () => {
      const start = tf.memory().numTensors;
      const run = await DensityRun.create({ ...base, model, dataset: 'moons', learningRate: 3e-3 });
      expect(Number.isFinite(run.metric)).toBe(true);
      await run.train(model === 'gmm' ? 3 : 20);
      expect(Number.isFinite(run.metric)).toBe(true);
      const frame = await run.frame();
      expect(frame.heat).toHaveLength(GRID_SIZE * GRID_SIZE);
      expect(Array.from(frame.heat).every(Number.isFinite)).toBe(true);
      expect(frame.samples.flat().every(Number.isFinite)).toBe(true);
      expect(frame.clusters === null).toBe(model !== 'gmm');
      run.dispose();
      expect(tf.memory().numTensors).toBe(start);
    });
  }

  for (const model of ['flow', 'gmm'] as const) {
    it(`${model}: a run resumed from its checkpoints goes on exactly as the uninterrupted run`, async () => {
      const settings = { ...base, model, dataset: 'moons', learningRate: 3e-3 } as const;
      const chunk = model === 'gmm' ? 1 : 10;
      const straight = await DensityRun.create(settings);
      await straight.train(3 * chunk);
      const store = memoryCheckpointStore();
      const first = await DensityRun.create(settings, { store, resume: false });
      await first.train(chunk);
      await first.train(chunk);
      first.dispose();
      expect(await store.latest()).toBe(2 * chunk);
      const resumed = await DensityRun.create(settings, { store, resume: true });
      expect(resumed.steps).toBe(2 * chunk);
      await resumed.train(chunk);
      expect(resumed.steps).toBe(3 * chunk);
      expect(resumed.metric).toBe(straight.metric);
      expect(Array.from((await resumed.frame()).heat)).toEqual(
        Array.from((await straight.frame()).heat),
      );
      straight.dispose();
      resumed.dispose();
    });
  }

  it('gmm on the 8 Gaussians: EM raises the likelihood and the density integrates to ≈ 1', async () => {
    const run = await DensityRun.create({
      ...base,
      components: 8,
      model: 'gmm',
      dataset: '8gaussians',
      learningRate: 3e-3,
    });
    const first = run.metric;
    await run.train(20);
    expect(run.metric).toBeGreaterThan(first);
    // Riemann sum of exp(log p) over the grid, in data units: ≈ 1 when the grid covers the data.
    const frame = await run.frame();
    const mass = gridMass(frame);
    expect(mass).toBeGreaterThan(0.9);
    expect(mass).toBeLessThan(1.1);
    run.dispose();
  });

  it('custom: trains on drawn points (data units), refuses too few, and frees every tensor', async () => {
    const start = tf.memory().numTensors;
    const settings = { ...base, model: 'gmm', dataset: 'custom', learningRate: 3e-3 } as const;
    await expect(DensityRun.create(settings)).rejects.toThrow(/at least 20 points, got 0/);
    const few = Array.from({ length: MIN_CUSTOM_POINTS - 1 }, (_, i) => [i / 10, 0]);
    await expect(DensityRun.create(settings, undefined, few)).rejects.toThrow(/got 19/);
    // Two blobs of 20 points each along a line: the plot square holds them with a 10 % margin.
    const points = Array.from({ length: 40 }, (_, i) => [
      i < 20 ? -1 + i / 100 : 1 - (i - 20) / 100,
      i % 2 === 0 ? 0.5 : -0.5,
    ]);
    const run = await DensityRun.create(settings, undefined, points);
    await run.train(3);
    const frame = await run.frame();
    expect(frame.data).toHaveLength(40);
    expect(frame.data[0]![0]).toBeCloseTo(-1, 5);
    expect(frame.extent).toBeCloseTo(1.1, 5);
    expect(Number.isFinite(run.metric)).toBe(true);
    run.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
