import { initBackend } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from './settings.js';
import { ModeCollapseTrainer, N_EVAL } from './trainer.js';

describe('ModeCollapseTrainer (wasm)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('spreads over the ring within a few hundred steps with the default settings', async () => {
    const trainer = new ModeCollapseTrainer(DEFAULT_SETTINGS);
    const before = await trainer.evaluate();
    expect(before.samples).toHaveLength(N_EVAL);
    const losses = await trainer.train(600);
    expect(Number.isFinite(losses.discriminator)).toBe(true);
    expect(Number.isFinite(losses.generator)).toBe(true);
    const after = await trainer.evaluate();
    console.log('ring8 coverage before', before.coverage, 'after 600 steps', after.coverage);
    expect(trainer.steps).toBe(600);
    expect(after.coverage.modes).toBeGreaterThanOrEqual(6);
    expect(after.coverage.highQuality).toBeGreaterThan(before.coverage.highQuality);
    trainer.dispose();
  });

  it('runs every option (k = 2, noise, smoothing, grid) and frees every tensor', async () => {
    const start = tf.memory().numTensors;
    const trainer = new ModeCollapseTrainer({
      ...DEFAULT_SETTINGS,
      dataset: 'grid25',
      discriminatorSteps: 2,
      noiseStd: 0.5,
      noiseDecay: 10,
      labelSmoothing: 0.9,
      batchSize: 32,
    });
    await trainer.train(3);
    const { samples, coverage } = await trainer.evaluate();
    expect(trainer.steps).toBe(3);
    expect(samples.flat().every(Number.isFinite)).toBe(true);
    expect(coverage.counts).toHaveLength(25);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('continues exactly from a snapshot (checkpoint bytes): same step, same next losses and samples', async () => {
    const start = tf.memory().numTensors;
    const settings = { ...DEFAULT_SETTINGS, batchSize: 32, hidden: 32 };
    const original = new ModeCollapseTrainer(settings);
    await original.train(20);
    const snapshot = await original.snapshot();
    expect(snapshot.step).toBe(20);
    expect(snapshot.bytes.byteLength).toBeGreaterThan(1000);
    const copy = new ModeCollapseTrainer(settings, snapshot);
    await copy.train(0);
    expect(copy.steps).toBe(20);
    const a = await original.train(10);
    const b = await copy.train(10);
    expect(copy.steps).toBe(30);
    expect(b).toEqual(a);
    expect((await copy.evaluate()).samples).toEqual((await original.evaluate()).samples);
    original.dispose();
    copy.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
