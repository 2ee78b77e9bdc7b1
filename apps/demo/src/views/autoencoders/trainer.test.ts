import { initBackend, Rng } from '@gen/core';
import { bernoulliBinarize } from '@gen/data';
import { loadMnist } from '@gen/data/node';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MnistTensors } from '../vae/mnist-tensors.js';
import {
  AeTrainer,
  corruptionOf,
  DEFAULT_SETTINGS,
  RECON_COUNT,
  STEPS_PER_CHUNK,
  TRAVERSAL_STEPS,
} from './trainer.js';
import { codeStats, traversalCodes } from './traversal.js';

/** Binary cross-entropy in nats, Σ −[x log p + (1 − x) log(1 − p)], per image, from probabilities. */
function bceFromProbabilities(
  x: ArrayLike<number>,
  p: ArrayLike<number>,
  pixels: number,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.length / pixels; i++) {
    let sum = 0;
    for (let j = i * pixels; j < (i + 1) * pixels; j++) {
      sum -= x[j]! * Math.log(p[j]!) + (1 - x[j]!) * Math.log(1 - p[j]!);
    }
    out.push(sum);
  }
  return out;
}

describe('AeTrainer (wasm, real MNIST)', () => {
  let data: MnistTensors;

  beforeAll(async () => {
    await initBackend('wasm');
    const train = await loadMnist({ split: 'train', limit: 512 });
    const test = await loadMnist({ split: 'test', limit: 128 });
    const binary = bernoulliBinarize(test.images, Rng.fromSeed(3)) as tf.Tensor2D;
    data = {
      train: train.images,
      test: binary,
      evalBatch: tf.slice(binary, [0, 0], [64, -1]),
      testLabels: Uint8Array.from(await test.labels.data()),
    };
    tf.dispose([train.labels, test.images, test.labels]);
  });

  afterAll(() => tf.dispose([data.train, data.test, data.evalBatch]));

  it('reports the held-out loss as the binary cross-entropy of its reconstructions', async () => {
    const trainer = new AeTrainer(data, { ...DEFAULT_SETTINGS, hiddenSize: 32 });
    const held = await trainer.heldOut();
    const probs = trainer.autoencoder.reconstruct(data.evalBatch);
    const perImage = bceFromProbabilities(await data.evalBatch.data(), await probs.data(), 784);
    probs.dispose();
    const mean = perImage.reduce((a, b) => a + b, 0) / perImage.length;
    expect(held.clean).toBeCloseTo(mean, 1);
    expect(Math.abs(held.clean - mean) / mean).toBeLessThan(1e-4);
    // An untrained decoder puts every pixel near probability ½: 784·log 2 ≈ 543 nats.
    expect(held.clean).toBeGreaterThan(400);
    expect(held.clean).toBeLessThan(700);
    expect(Number.isNaN(held.denoising)).toBe(true);
    trainer.dispose();
  });

  it('lowers the held-out loss by training, and keeps the weights through a noise change', async () => {
    const trainer = new AeTrainer(data, {
      ...DEFAULT_SETTINGS,
      hiddenSize: 64,
      learningRate: 3e-3,
    });
    const before = (await trainer.heldOut()).clean;
    for (let chunk = 0; chunk < 8; chunk++) {
      expect(Number.isFinite(await trainer.train(STEPS_PER_CHUNK))).toBe(true);
    }
    expect(trainer.steps).toBe(40);
    const after = (await trainer.heldOut()).clean;
    expect(after).toBeLessThan(before - 100);

    trainer.setNoise('mask', 0.5);
    expect(trainer.autoencoder.noise).toEqual({ type: 'mask', rate: 0.5 });
    const noisy = await trainer.heldOut();
    // Same networks: the clean loss has not moved; half the pixels gone makes it worse.
    expect(noisy.clean).toBeCloseTo(after, 3);
    expect(noisy.denoising).toBeGreaterThan(noisy.clean);
    await trainer.train(STEPS_PER_CHUNK);
    expect(trainer.steps).toBe(45);
    trainer.dispose();
  });

  it('continues a snapshot exactly: same step, same weights, same next losses, no leak', async () => {
    const settings = { ...DEFAULT_SETTINGS, hiddenSize: 32, batchSize: 16 };
    const a = new AeTrainer(data, settings);
    await a.train(STEPS_PER_CHUNK);
    // A settings change replaces the trainer; the snapshot carries the earlier steps.
    a.setBatchSize(8);
    a.setNoise('mask', 0.25);
    await a.train(STEPS_PER_CHUNK);
    const snap = await a.snapshot();
    expect(snap.step + snap.earlierSteps).toBe(2 * STEPS_PER_CHUNK);
    expect(snap.settings).toEqual({ ...settings, batchSize: 8, noise: 'mask', noiseLevel: 0.25 });
    const heldA = await a.heldOut();
    const lossA = await a.train(STEPS_PER_CHUNK);
    const before = tf.memory().numTensors;
    // Another trainer made from different defaults takes the snapshot's settings and state.
    const b = new AeTrainer(data, DEFAULT_SETTINGS, 0, snap);
    await b.begin();
    expect(b.steps).toBe(2 * STEPS_PER_CHUNK);
    expect(b.settings).toEqual(snap.settings);
    expect(b.autoencoder.noise).toEqual({ type: 'mask', rate: 0.25 });
    const heldB = await b.heldOut();
    expect(heldB.clean).toBeCloseTo(heldA.clean, 4);
    expect(heldB.denoising).toBeCloseTo(heldA.denoising, 4);
    const lossB = await b.train(STEPS_PER_CHUNK);
    expect(b.steps).toBe(3 * STEPS_PER_CHUNK);
    // Same batches (data position and Rng restored) and same Adam moments: the same losses.
    expect(lossB).toBeCloseTo(lossA, 3);
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
  });

  it('shows corrupted inputs that are the inputs with pixels zeroed at the chosen rate', async () => {
    const trainer = new AeTrainer(data, {
      ...DEFAULT_SETTINGS,
      hiddenSize: 16,
      noise: 'mask',
      noiseLevel: 0.5,
    });
    const panels = await trainer.panels(3);
    const { inputs, corrupted } = panels;
    expect(corrupted).not.toBeNull();
    let ones = 0;
    let kept = 0;
    for (let i = 0; i < inputs.length; i++) {
      expect([0, inputs[i]]).toContain(corrupted![i]);
      if (inputs[i] === 1) {
        ones++;
        if (corrupted![i] === 1) kept++;
      }
    }
    // Binomial(ones, ½): the kept fraction is within 5 standard errors of ½.
    expect(ones).toBeGreaterThan(500);
    expect(Math.abs(kept / ones - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / ones));
    expect(panels.reconstructions).toHaveLength(RECON_COUNT * 784);
    trainer.dispose();
  });

  it('decodes one traversal row per latent dimension around the picked digit', async () => {
    const trainer = new AeTrainer(data, { ...DEFAULT_SETTINGS, hiddenSize: 16, latentSize: 5 });
    const panels = await trainer.panels(7);
    expect(panels.corrupted).toBeNull();
    expect(panels.codes).toHaveLength(128 * 5);
    expect(panels.traversal).toHaveLength(5 * TRAVERSAL_STEPS * 784);
    // The picked code is the encoder's code of test digit 7 (row 7 of the map's codes).
    expect(Array.from(panels.pickedCode)).toEqual(Array.from(panels.codes.subarray(35, 40)));
    // Decoding the traversal codes directly gives the same images.
    const grid = traversalCodes(panels.pickedCode, codeStats(panels.codes, 5), TRAVERSAL_STEPS);
    const decoded = trainer.autoencoder.decode(tf.tensor2d(grid, [5 * TRAVERSAL_STEPS, 5]));
    const expected = await decoded.data();
    tf.dispose(decoded);
    for (let i = 0; i < expected.length; i += 97) {
      expect(panels.traversal[i]).toBeCloseTo(expected[i]!, 5);
    }
    trainer.dispose();
  });

  it('leaks no tensors across steps, setting changes, panels and dispose', async () => {
    const start = tf.memory().numTensors;
    const trainer = new AeTrainer(data, { ...DEFAULT_SETTINGS, hiddenSize: 32, latentSize: 3 });
    await trainer.train(2);
    const afterFirst = tf.memory().numTensors;
    await trainer.train(3);
    await trainer.heldOut();
    await trainer.panels(0);
    expect(tf.memory().numTensors).toBe(afterFirst);
    trainer.setLearningRate(1e-2);
    trainer.setBatchSize(16);
    trainer.setNoise('gaussian', 0.3);
    await trainer.train(2);
    await trainer.heldOut();
    await trainer.panels(5);
    trainer.setNoise('none', 0.3);
    await trainer.train(1);
    expect(trainer.steps).toBe(8);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('rejects a bad step count and a digit outside the test set, naming the method', async () => {
    const trainer = new AeTrainer(data, { ...DEFAULT_SETTINGS, hiddenSize: 8 });
    await expect(trainer.train(0)).rejects.toThrow(/AeTrainer.train: 'count' must be >= 1, got 0/);
    await expect(trainer.panels(128)).rejects.toThrow(
      /AeTrainer.panels: 'picked' must be a test digit index in \[0, 127\], got 128/,
    );
    trainer.dispose();
  });
});

describe('corruptionOf', () => {
  it("maps the view's noise settings to the package's corruption", () => {
    expect(corruptionOf('none', 0.3)).toBeNull();
    expect(corruptionOf('mask', 0)).toBeNull();
    expect(corruptionOf('mask', 0.25)).toEqual({ type: 'mask', rate: 0.25 });
    expect(corruptionOf('gaussian', 0.5)).toEqual({ type: 'gaussian', std: 0.5 });
  });
});
