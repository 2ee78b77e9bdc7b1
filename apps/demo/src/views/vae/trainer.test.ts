import { initBackend, Rng } from '@gen/core';
import { bernoulliBinarize } from '@gen/data';
import { loadMnist } from '@gen/data/node';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MnistTensors } from './mnist-tensors.js';
import {
  GRID,
  INTERP_STEPS,
  panelBuffers,
  RECON_COUNT,
  readInterpolation,
  readPanels,
  SAMPLE_COUNT,
} from './readback.js';
import { DEFAULT_SETTINGS, STEPS_PER_CHUNK, VaeTrainer } from './trainer.js';

describe('VaeTrainer (wasm, real MNIST)', () => {
  let data: MnistTensors;

  beforeAll(async () => {
    await initBackend('wasm');
    const train = await loadMnist({ split: 'train', limit: 512 });
    const test = await loadMnist({ split: 'test', limit: 128 });
    const binary = bernoulliBinarize(test.images, Rng.fromSeed(3)) as tf.Tensor2D;
    data = {
      train: train.images,
      test: binary,
      evalBatch: tf.slice(binary, [0, 0], [128, -1]),
      testLabels: Uint8Array.from(await test.labels.data()),
    };
    tf.dispose([train.labels, test.images, test.labels]);
  });

  afterAll(() => tf.dispose([data.train, data.test, data.evalBatch]));

  it('starts near 784·log 2 nats and lowers the held-out −ELBO by training', async () => {
    const trainer = new VaeTrainer(data, {
      ...DEFAULT_SETTINGS,
      hiddenSize: 64,
      learningRate: 3e-3,
    });
    const before = await trainer.heldOutNegElbo();
    // An untrained decoder puts every pixel near probability ½: −log p(x|z) ≈ 784·log 2 = 543.4.
    expect(before).toBeGreaterThan(400);
    expect(before).toBeLessThan(700);
    // The metric uses a fixed draw of z: the same weights give the same number.
    expect(await trainer.heldOutNegElbo()).toBeCloseTo(before, 3);
    for (let chunk = 0; chunk < 8; chunk++) {
      expect(Number.isFinite(await trainer.train(STEPS_PER_CHUNK))).toBe(true);
    }
    expect(trainer.steps).toBe(40);
    const after = await trainer.heldOutNegElbo();
    expect(after).toBeLessThan(before - 100);
    trainer.dispose();
  });

  it('splits the held-out −ELBO into a closed-form KL and a reconstruction term', async () => {
    const trainer = new VaeTrainer(data, { ...DEFAULT_SETTINGS, hiddenSize: 32, latentSize: 3 });
    await trainer.train(STEPS_PER_CHUNK);
    const held = await trainer.heldOut();
    expect(held.negElbo).toBe(await trainer.heldOutNegElbo());
    // Oracle: KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σ (μ² + σ² − 1 − log σ²), averaged over the batch,
    // from the encoder's outputs in float64.
    const { mean, scale } = trainer.vae.encode(data.evalBatch);
    const [mu, sigma] = [await mean.data(), await scale.data()];
    tf.dispose([mean, scale]);
    let sum = 0;
    for (let i = 0; i < mu.length; i++) {
      const s2 = sigma[i]! ** 2;
      sum += 0.5 * (mu[i]! ** 2 + s2 - 1 - Math.log(s2));
    }
    const expected = sum / data.evalBatch.shape[0];
    expect(expected).toBeGreaterThan(0);
    expect(held.kl).toBeCloseTo(expected, 3);
    // −log p(x|z) of binary pixels under a Bernoulli decoder is positive.
    expect(held.reconstruction).toBeGreaterThan(0);
    expect(held.reconstruction + held.kl).toBeCloseTo(held.negElbo, 3);
    trainer.dispose();
  });

  it('leaks no tensors across steps, setting changes and dispose', async () => {
    const start = tf.memory().numTensors;
    const trainer = new VaeTrainer(data, { ...DEFAULT_SETTINGS, hiddenSize: 32, latentSize: 4 });
    await trainer.train(2);
    const afterFirst = tf.memory().numTensors;
    await trainer.train(3);
    expect(tf.memory().numTensors).toBe(afterFirst);
    trainer.setLearningRate(1e-2);
    trainer.setBatchSize(16);
    await trainer.train(2);
    expect(trainer.steps).toBe(7);
    await trainer.heldOutNegElbo();
    await trainer.heldOut();
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('rejects a non-positive step count naming the method', async () => {
    const trainer = new VaeTrainer(data, { ...DEFAULT_SETTINGS, hiddenSize: 8 });
    await expect(trainer.train(0)).rejects.toThrow(/VaeTrainer.train: 'count' must be >= 1, got 0/);
    trainer.dispose();
  });
  it('continues a snapshot exactly: same step, same weights, same next losses, no leak', async () => {
    const settings = { ...DEFAULT_SETTINGS, hiddenSize: 32, batchSize: 16 };
    const a = new VaeTrainer(data, settings);
    await a.train(STEPS_PER_CHUNK);
    // A batch-size change replaces the trainer; the snapshot carries the earlier steps.
    a.setBatchSize(8);
    a.setLearningRate(3e-3);
    await a.train(STEPS_PER_CHUNK);
    const snap = await a.snapshot();
    expect(snap.step + snap.earlierSteps).toBe(2 * STEPS_PER_CHUNK);
    expect(snap.settings).toEqual({ ...settings, batchSize: 8, learningRate: 3e-3 });
    const heldA = await a.heldOut();
    const lossA = await a.train(STEPS_PER_CHUNK);
    const before = tf.memory().numTensors;
    // Another trainer made from different defaults takes the snapshot's settings and state.
    const b = new VaeTrainer(data, DEFAULT_SETTINGS, 0, snap);
    await b.begin();
    expect(b.steps).toBe(2 * STEPS_PER_CHUNK);
    expect(b.settings).toEqual(snap.settings);
    expect(b.vae.latentSize).toBe(settings.latentSize);
    const heldB = await b.heldOut();
    expect(heldB.negElbo).toBeCloseTo(heldA.negElbo, 3);
    expect(heldB.kl).toBeCloseTo(heldA.kl, 4);
    const lossB = await b.train(STEPS_PER_CHUNK);
    expect(b.steps).toBe(3 * STEPS_PER_CHUNK);
    // Same batches (data position and Rng restored) and same Adam moments: the same loss.
    expect(lossB).toBeCloseTo(lossA, 2);
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
  });

  it('reads every panel back as Float32Arrays of their own, matching the model, without a leak', async () => {
    const trainer = new VaeTrainer(data, { ...DEFAULT_SETTINGS, hiddenSize: 32, latentSize: 3 });
    await trainer.train(STEPS_PER_CHUNK);
    const start = tf.memory().numTensors;
    const panels = await readPanels(trainer, data, [2, 5]);
    const strip = await readInterpolation(trainer, data, [2, 5]);
    expect(tf.memory().numTensors).toBe(start);
    const px = 28 * 28;
    expect(panels.reconstructions).toHaveLength(2 * RECON_COUNT * px);
    expect(panels.samples).toHaveLength(SAMPLE_COUNT * px);
    expect(panels.manifold).toHaveLength(GRID * GRID * px);
    expect(panels.interpolation).toHaveLength(INTERP_STEPS * px);
    expect(panels.means).toHaveLength(data.test.shape[0] * 3);
    // Each array owns its whole buffer (so moving it to the page moves nothing else).
    const buffers = panelBuffers(panels);
    expect(new Set(buffers).size).toBe(5);
    for (const [i, a] of Object.values(panels).entries()) {
      expect(a.byteLength, `panel ${i}`).toBe(buffers[i]!.byteLength);
    }
    // Decoder outputs are Bernoulli means in [0, 1]; the first row of the recon panel is the input.
    for (const a of [panels.samples, panels.manifold, panels.interpolation]) {
      expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...a)).toBeLessThanOrEqual(1);
    }
    const first = tf.slice(data.test, [0, 0], [RECON_COUNT, -1]);
    const inputs = await first.data();
    first.dispose();
    expect(Array.from(panels.reconstructions.subarray(0, inputs.length))).toEqual(
      Array.from(inputs),
    );
    // Oracle for the codes: the encoder's means computed directly.
    const direct = tf.tidy(() => trainer.vae.encode(data.test).mean);
    const means = await direct.data();
    direct.dispose();
    for (let i = 0; i < means.length; i += 97) expect(panels.means[i]).toBeCloseTo(means[i]!, 5);
    // The strip read alone is the panel's strip.
    expect(strip).toHaveLength(INTERP_STEPS * px);
    for (let i = 0; i < strip.length; i += 131) {
      expect(strip[i]).toBeCloseTo(panels.interpolation[i]!, 5);
    }
    trainer.dispose();
  });
});
