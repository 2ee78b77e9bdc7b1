import { initBackend } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, RANGES } from './controls.js';
import { DivergenceFits, type FitName } from './fits.js';
import { momentMatch, normaliseMixture, pearsonMinSigma } from './mixture.js';

const NAMES: FitName[] = ['kl', 'reverse-kl', 'js', 'squared-hellinger', 'pearson', 'jeffreys'];
const preset = (id: string) => {
  const found = PRESETS.find((p) => p.id === id);
  if (found === undefined) throw new Error(`no preset ${id}`);
  return found;
};

/** The fits of a preset after `steps` Adam steps (every tensor disposed). */
async function fitPreset(id: string, steps: number, names: FitName[] = NAMES) {
  const { components, start } = preset(id);
  // Every preset starts where Pearson χ² is finite, so ticking it never stops training.
  expect(start.sigma).toBeGreaterThanOrEqual(pearsonMinSigma(normaliseMixture(components)));
  const target = normaliseMixture(components);
  const before = tf.memory().numTensors;
  const fits = new DivergenceFits(target, start);
  await fits.step(names, steps);
  const end = await fits.snapshot(names);
  fits.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return { target, end };
}

describe('divergence presets tell the story they claim', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('keep every value inside its field range', () => {
    for (const p of PRESETS) {
      expect(p.components).toHaveLength(3);
      for (const c of p.components) {
        expect(c.weight).toBeGreaterThanOrEqual(RANGES.weight.min);
        expect(c.weight).toBeLessThanOrEqual(RANGES.weight.max);
        expect(Math.abs(c.mean)).toBeLessThanOrEqual(RANGES.mean.max);
        expect(c.std).toBeGreaterThanOrEqual(RANGES.std.min);
        expect(c.std).toBeLessThanOrEqual(RANGES.std.max);
      }
      expect(p.start.sigma).toBeGreaterThanOrEqual(RANGES.startSigma.min);
    }
  });

  it('KL vs reverse KL: reverse KL sits on the left mode, KL matches the moments', async () => {
    const { target, end } = await fitPreset('kl-vs-reverse', 300, ['kl', 'reverse-kl']);
    const optimum = momentMatch(target);
    expect(Math.abs(end.mu[0]! - optimum.mu)).toBeLessThan(0.02);
    expect(Math.abs(end.sigma[0]! - optimum.sigma)).toBeLessThan(0.02);
    expect(optimum.sigma).toBeGreaterThan(3);
    expect(Math.abs(end.mu[1]! + 3)).toBeLessThan(0.05);
    expect(Math.abs(end.sigma[1]! - 0.6)).toBeLessThan(0.05);
  });

  it('one Gaussian: every divergence ends at the target N(1, 1.2²) with D ≈ 0', async () => {
    const { end } = await fitPreset('one-gaussian', 300);
    NAMES.forEach((_, i) => {
      expect(Math.abs(end.mu[i]! - 1)).toBeLessThan(0.03);
      expect(Math.abs(end.sigma[i]! - 1.2)).toBeLessThan(0.03);
      expect(end.objective[i]!).toBeLessThan(1e-3);
    });
  });

  it('spike on a broad base: all centred; reverse KL narrowest, KL wider', async () => {
    const { target, end } = await fitPreset('spike-on-base', 300, ['kl', 'reverse-kl']);
    for (const mu of end.mu) expect(Math.abs(mu)).toBeLessThan(0.05);
    expect(Math.abs(end.sigma[0]! - momentMatch(target).sigma)).toBeLessThan(0.02);
    expect(end.sigma[1]!).toBeLessThan(0.6);
    expect(end.sigma[0]!).toBeGreaterThan(2 * end.sigma[1]!);
  });
});
