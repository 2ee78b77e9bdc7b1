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
  SAMPLES_PER_DIGIT,
} from './readback.js';
import {
  DEFAULT_SETTINGS,
  DIGITS,
  oneHotDigits,
  STEPS_PER_CHUNK,
  trainingBatches,
  trainingConditions,
  VaeTrainer,
} from './trainer.js';

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
      trainLabels: Uint8Array.from(await train.labels.data()),
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

  it('batches { x, condition } pairs: each image with its own one-hot label, binarised as without labels', async () => {
    // 24 images: pixel i < 24 is 1 in image i only (the image's id, kept by any binarisation),
    // the other pixels grey 0.5 (binarised afresh per batch).
    const n = 24;
    const px = 28 * 28;
    const grey = new Float32Array(n * px).fill(0.5);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) grey[i * px + j] = i === j ? 1 : 0;
    const labels = Array.from({ length: n }, (_, i) => (i * 7 + 3) % DIGITS);
    const start = tf.memory().numTensors;
    const images = tf.tensor2d(grey, [n, px]);
    const conditional = trainingConditions(oneHotDigits(labels));
    const pairs = trainingBatches(images, conditional, 5, Rng.fromSeed(4));
    const plain = trainingBatches(images, undefined, 5, Rng.fromSeed(4));
    // Two epochs of ⌈24 / 5⌉ = 5 batches (the last of each has 4 rows).
    for (let epoch = 0; epoch < 2; epoch++) {
      const seen: number[] = [];
      for (let b = 0; b < 5; b++) {
        const pair = pairs.next().value as { x: tf.Tensor; condition: tf.Tensor };
        const alone = plain.next().value as tf.Tensor;
        const rows = b < 4 ? 5 : 4;
        expect(pair.x.shape).toEqual([rows, px]);
        expect(pair.condition.shape).toEqual([rows, DIGITS]);
        const [x, c, y] = [await pair.x.data(), await pair.condition.data(), await alone.data()];
        // The same images, binarised the same way, as the stream without labels.
        expect(Array.from(x)).toEqual(Array.from(y));
        for (let r = 0; r < rows; r++) {
          const row = Array.from(x.subarray(r * px, (r + 1) * px));
          expect(row.every((v) => v === 0 || v === 1)).toBe(true);
          const id = row.indexOf(1);
          expect(row.slice(0, n).reduce((a, v) => a + v, 0)).toBe(1);
          seen.push(id);
          const hot = Array.from(c.subarray(r * DIGITS, (r + 1) * DIGITS));
          expect(hot, `epoch ${epoch}, batch ${b}, row ${r}`).toEqual(
            Array.from({ length: DIGITS }, (_, d) => (d === labels[id] ? 1 : 0)),
          );
        }
        tf.dispose([pair.x, pair.condition, alone]);
      }
      // Every image once per epoch, shuffled.
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(seen).not.toEqual(Array.from({ length: n }, (_, i) => i));
    }
    tf.dispose([images, conditional.conditions, conditional.rows]);
    expect(tf.memory().numTensors).toBe(start);
    expect(() => oneHotDigits([3, 10])).toThrow(/oneHotDigits: .*labels\[1\].*10/);
  });

  it('trains a conditional VAE on labelled batches, samples one row per digit and continues a snapshot exactly, without a leak', async () => {
    const start = tf.memory().numTensors;
    const settings = { ...DEFAULT_SETTINGS, hiddenSize: 32, batchSize: 16, conditional: true };
    const a = new VaeTrainer(data, settings);
    expect(a.conditional).toBe(true);
    expect(a.vae.conditionSize).toBe(DIGITS);
    // The held-out conditions are the test digits' one-hot labels.
    const argMax = tf.argMax(a.conditions!.evalBatch, 1);
    const labels = Array.from(await argMax.data());
    argMax.dispose();
    expect(labels).toEqual(Array.from(data.testLabels.subarray(0, data.evalBatch.shape[0])));
    expect(Number.isFinite(await a.train(STEPS_PER_CHUNK))).toBe(true);
    // Oracle: the held-out −ELBO is −mean elbo of the labelled batch at the metric's fixed draw.
    const held = await a.heldOut();
    const direct = tf.tidy(() =>
      tf.neg(
        tf.mean(
          a.vae.elbo(
            { x: data.evalBatch, condition: oneHotDigits(data.testLabels.subarray(0, 128)) },
            { rng: Rng.fromSeed(7) },
          ),
        ),
      ),
    );
    expect(held.negElbo).toBeCloseTo((await direct.data())[0]!, 3);
    direct.dispose();

    // Samples: row d decodes column j's draw z_j under digit d's label.
    const before = tf.memory().numTensors;
    const panels = await readPanels(a, data, [2, 5]);
    expect(tf.memory().numTensors).toBe(before);
    const px = 28 * 28;
    expect(panels.samples).toHaveLength(DIGITS * SAMPLES_PER_DIGIT * px);
    expect(panels.means).toHaveLength(data.test.shape[0] * 2);
    const oracle = tf.tidy(() => {
      const z = Rng.fromSeed(11).normal([SAMPLES_PER_DIGIT, a.vae.latentSize]);
      return tf.concat(
        Array.from({ length: DIGITS }, (_, d) => a.vae.decode(z, { condition: oneHotDigits([d]) })),
      );
    });
    const expected = await oracle.data();
    oracle.dispose();
    for (let i = 0; i < expected.length; i += 101) {
      expect(panels.samples[i]).toBeCloseTo(expected[i]!, 5);
    }
    // The condition changes the image: digit 0's row differs from digit 1's.
    const rowPixels = SAMPLES_PER_DIGIT * px;
    let diff = 0;
    for (let i = 0; i < rowPixels; i++) {
      diff += Math.abs(panels.samples[i]! - panels.samples[rowPixels + i]!);
    }
    expect(diff).toBeGreaterThan(0);

    // A snapshot continues exactly and keeps the model conditional.
    const snap = await a.snapshot();
    expect(snap.settings.conditional).toBe(true);
    const lossA = await a.train(STEPS_PER_CHUNK);
    const b = new VaeTrainer(data, DEFAULT_SETTINGS, 0, snap);
    await b.begin();
    expect(b.conditional).toBe(true);
    expect(b.steps).toBe(STEPS_PER_CHUNK);
    expect(await b.train(STEPS_PER_CHUNK)).toBeCloseTo(lossA, 2);
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(start);

    // Without training labels a conditional model cannot start.
    const { trainLabels: _, ...unlabelled } = data;
    expect(() => new VaeTrainer(unlabelled, settings)).toThrow(
      /VaeTrainer: .*data\.trainLabels.*training labels/,
    );
    expect(tf.memory().numTensors).toBe(start);
  });
});
