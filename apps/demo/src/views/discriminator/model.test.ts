import { initBackend, Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  DiscriminatorProbe,
  type Objective,
  type ProbeSettings,
  ShiftedSampler,
  STEPS_PER_CHUNK,
} from './model.js';
import {
  densities,
  linspace,
  optimalDiscriminator,
  SHAPES,
  type Shape,
  trapezoid,
  weightedMeanAbs,
} from './theory.js';

const [GAUSSIAN, BIMODAL] = SHAPES as [Shape, Shape];

function settings(objective: Objective, shape: Shape = GAUSSIAN): ProbeSettings {
  return { ...DEFAULT_SETTINGS, shape, objective };
}

/** E_p f − E_q f of the probe's critic on a grid, by the trapezoid rule. */
async function criticValue(probe: DiscriminatorProbe, delta: number): Promise<number> {
  const xs = linspace(-8, 8 + delta, 801);
  const { p, q } = await densities(probe.settings.shape, delta, xs);
  const { output } = await probe.read(xs);
  return trapezoid(
    xs,
    output.map((f, i) => f * (p[i]! - q[i]!)),
  );
}

describe('discriminator probe', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('the frozen sampler draws p shifted by Δ: its moments', async () => {
    for (const [shape, variance] of [
      [GAUSSIAN, 1],
      [BIMODAL, 1.5 ** 2 + 0.5 ** 2],
    ] as const) {
      const sampler = new ShiftedSampler(shape, 2);
      const x = tf.tidy(() => sampler.apply(Rng.fromSeed(3).normal([20000, 2])));
      const values = Array.from(await x.data());
      x.dispose();
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      const v = values.reduce((s, u) => s + (u - mean) ** 2, 0) / values.length;
      // Standard errors: √(variance/n) ≈ 0.01 for the mean.
      expect(Math.abs(mean - 2)).toBeLessThan(0.05);
      expect(Math.abs(v - variance)).toBeLessThan(0.05 * variance);
      expect(sampler.trainableVariables).toHaveLength(0);
      sampler.shift = -1;
      const y = tf.tidy(() => tf.mean(sampler.apply(Rng.fromSeed(3).normal([20000, 2]))));
      expect((await y.data())[0]!).toBeCloseTo(mean - 3, 4);
      y.dispose();
    }
  });

  it('a minimax discriminator converges to D*, its loss to log 4 − 2·JSD; no leak', async () => {
    const before = tf.memory().numTensors;
    const probe = new DiscriminatorProbe(settings('minimax'));
    const xs = linspace(-4, 6, 101);
    const dStar = await optimalDiscriminator(GAUSSIAN, 2, xs);
    const { p, q } = await densities(GAUSSIAN, 2, xs);
    const m = p.map((pi, i) => (pi + q[i]!) / 2);
    const error = async () => {
      const { output } = await probe.read(xs);
      return weightedMeanAbs(
        output.map((l) => 1 / (1 + Math.exp(-l))),
        dStar,
        m,
      );
    };
    const start = await error();
    let loss = Number.NaN;
    for (let i = 0; i < 10; i += 1) loss = await probe.train(STEPS_PER_CHUNK);
    expect(probe.steps).toBe(10 * STEPS_PER_CHUNK);
    const end = await error();
    expect(start).toBeGreaterThan(0.1);
    expect(end).toBeLessThan(0.05);
    // log 4 − 2·JSD(N(0,1)‖N(2,1)) = 0.71266; a batch loss is noisy around it.
    expect(Math.abs(loss - 0.7127)).toBeLessThan(0.08);
    probe.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('moving Δ keeps the run: the discriminator follows the new D*', async () => {
    const probe = new DiscriminatorProbe(settings('minimax'));
    for (let i = 0; i < 4; i += 1) await probe.train(STEPS_PER_CHUNK);
    probe.setSeparation(-2);
    expect(probe.separation).toBe(-2);
    for (let i = 0; i < 8; i += 1) await probe.train(STEPS_PER_CHUNK);
    expect(probe.steps).toBe(12 * STEPS_PER_CHUNK);
    // q now sits left of p: D > ½ right of 0, < ½ left of it.
    const { output } = await probe.read([-3, 3]);
    expect(output[0]!).toBeLessThan(0);
    expect(output[1]!).toBeGreaterThan(0);
    probe.dispose();
  }, 120_000);

  it('an unconstrained WGAN critic grows past W₁; a gradient-penalty critic approaches it', async () => {
    const free = new DiscriminatorProbe(settings('wasserstein-free'));
    for (let i = 0; i < 5; i += 1) await free.train(STEPS_PER_CHUNK);
    const freeValue = await criticValue(free, 2);
    free.dispose();
    // W₁ = Δ = 2 bounds every 1-Lipschitz critic; this one is far past it after 100 steps.
    expect(freeValue).toBeGreaterThan(10);

    const gp = new DiscriminatorProbe(settings('wasserstein-gp'));
    for (let i = 0; i < 10; i += 1) await gp.train(STEPS_PER_CHUNK);
    const gpValue = await criticValue(gp, 2);
    gp.dispose();
    expect(Math.abs(gpValue - 2)).toBeLessThan(0.3);

    const clipped = new DiscriminatorProbe(settings('wasserstein-clip'));
    for (let i = 0; i < 3; i += 1) await clipped.train(STEPS_PER_CHUNK);
    // Clipping every weight to [−c, c] bounds the critic's slope: its value stays small.
    const clippedValue = await criticValue(clipped, 2);
    const weights = clipped.discriminatorVariables;
    const largest = Math.max(...weights.map((w) => tf.max(tf.abs(w)).dataSync()[0]!));
    clipped.dispose();
    expect(largest).toBeLessThanOrEqual(DEFAULT_SETTINGS.clip + 1e-7);
    expect(clippedValue).toBeGreaterThan(0);
    expect(clippedValue).toBeLessThan(2);
  }, 180_000);

  it('continues from a checkpoint with the same losses and outputs as an uninterrupted run', async () => {
    const before = tf.memory().numTensors;
    const xs = linspace(-4, 6, 21);
    const straight = new DiscriminatorProbe(settings('minimax'));
    const losses = [await straight.train(20), await straight.train(20)];

    const first = new DiscriminatorProbe(settings('minimax'));
    await first.train(20);
    const saved = await first.checkpoint();
    expect(saved.step).toBe(20);
    await first.train(20); // later steps do not change the checkpoint
    first.dispose();

    const resumed = new DiscriminatorProbe(settings('minimax'), saved);
    await resumed.start();
    expect(resumed.steps).toBe(20);
    const more = await resumed.train(20);
    expect(resumed.steps).toBe(40);
    expect(more).toBe(losses[1]);
    expect(more).not.toBe(losses[0]);
    expect((await resumed.read(xs)).output).toEqual((await straight.read(xs)).output);
    straight.dispose();
    resumed.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
