import { initBackend } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DivergenceFits, type FitName } from './fits.js';
import { DEFAULT_COMPONENTS, momentMatch, normaliseMixture } from './mixture.js';

const target = normaliseMixture(DEFAULT_COMPONENTS);
const NAMES: FitName[] = ['kl', 'reverse-kl', 'js', 'squared-hellinger'];

describe('DivergenceFits', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('reaches the KL optimum (moment matching); reverse KL locks onto a mode', async () => {
    const before = tf.memory().numTensors;
    const fits = new DivergenceFits(target);
    const start = await fits.snapshot(NAMES);
    await fits.step(NAMES, 400);
    const end = await fits.snapshot(NAMES);
    fits.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const optimum = momentMatch(target);
    expect(Math.abs(end.mu[0]! - optimum.mu)).toBeLessThan(0.01);
    expect(Math.abs(end.sigma[0]! - optimum.sigma)).toBeLessThan(0.01);
    // Mode seeking: from the default start, reverse KL sits on the mode N(−2, 0.6²); the
    // others cover both modes (σ > 1.8).
    expect(Math.abs(end.mu[1]! + 2)).toBeLessThan(0.05);
    expect(Math.abs(end.sigma[1]! - 0.6)).toBeLessThan(0.05);
    for (const i of [0, 2, 3]) expect(end.sigma[i]!).toBeGreaterThan(1.8);
    for (let i = 0; i < NAMES.length; i += 1) {
      expect(end.objective[i]!).toBeLessThan(start.objective[i]!);
      expect(end.objective[i]).toBe(end.matrix[i]![i]);
    }
    // Each fit is best under the divergence it was trained with (the f-GAN table's diagonal).
    NAMES.forEach((_, j) => {
      NAMES.forEach((__, i) => {
        if (i !== j) expect(end.matrix[j]![j]!).toBeLessThan(end.matrix[i]![j]!);
      });
    });
  });

  it('continues from its state in a new instance, keeping its own target', async () => {
    const before = tf.memory().numTensors;
    const fits = new DivergenceFits(target);
    await fits.step(NAMES, 20);
    const state = await fits.state();
    const held = await fits.snapshot(NAMES);
    await fits.step(NAMES, 5);
    const onward = await fits.snapshot(NAMES);
    fits.dispose();
    const again = new DivergenceFits(target);
    await again.restore(state);
    const restored = await again.snapshot(NAMES);
    expect(restored.mu).toEqual(held.mu);
    expect(restored.objective[0]).toBeCloseTo(held.objective[0]!, 6);
    await again.step(NAMES, 5);
    expect((await again.state()).fits.kl?.steps).toBe(25);
    const continued = await again.snapshot(NAMES);
    continued.mu.forEach((mu, i) => {
      expect(mu).toBeCloseTo(onward.mu[i]!, 5);
      expect(continued.sigma[i]!).toBeCloseTo(onward.sigma[i]!, 5);
    });
    again.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
