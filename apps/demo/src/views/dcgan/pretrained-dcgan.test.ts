import { readFile } from 'node:fs/promises';
import { FormatError, InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import { loadMnist } from '@gen/data/node';
import { Gan } from '@gen/gan';
import { loadModel, modelToSafetensors, toSafetensors } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PRETRAINED_ASSETS,
  PRETRAINED_VAE_SOURCE,
} from '../../../scripts/pretrained-asset-plugin.js';
import { normalLatents, slerpPath } from './latent.js';
import {
  DCGAN_OPTIONS,
  decodePretrainedDcgan,
  disposePretrainedDcgan,
  loadPretrainedDcgan,
  PRETRAINED_DCGAN_PATH,
  type PretrainedDcgan,
  pretrainedMismatch,
} from './pretrained-dcgan.js';
import {
  DcganTrainer,
  DEFAULT_SETTINGS,
  equilibriumDiscriminatorLoss,
  generateFrom,
} from './trainer.js';

const asset = PRETRAINED_ASSETS.find((a) => a.path === PRETRAINED_DCGAN_PATH);

/** `n` rows of standard normal latents from a fixed seed, as the view draws them. */
const latents = (n: number, seed: number) => normalLatents(n, DCGAN_OPTIONS.latentSize, seed);

const mean = (v: Float32Array) => v.reduce((s, x) => s + x, 0) / v.length;

describe('the trained DCGAN the view starts from (wasm, the committed file)', () => {
  let bytes: Uint8Array;
  let pretrained: PretrainedDcgan;
  let train: tf.Tensor2D;

  beforeAll(async () => {
    await initBackend('wasm');
    if (asset === undefined) throw new Error(`no asset at ${PRETRAINED_DCGAN_PATH}`);
    bytes = await readFile(asset.source);
    pretrained = decodePretrainedDcgan(bytes);
    const mnist = await loadMnist({ split: 'train', limit: 128 });
    train = mnist.images as tf.Tensor2D;
    mnist.labels.dispose();
  });

  afterAll(() => {
    disposePretrainedDcgan(pretrained);
    train.dispose();
  });

  it('is the released run: pretrained/dcgan-mnist, shipped at the path the view fetches', () => {
    expect(asset?.release).toBe('pretrained/dcgan-mnist');
    expect(pretrained.config.options).toEqual(DCGAN_OPTIONS);
    expect(pretrained.steps).toBe(9000);
    expect(pretrained.state).toEqual({ discriminatorUpdates: 9000 });
    expect(pretrained.architecture).toBe('latent 64, width 32, batch norm');
  });

  it('loads into the view’s model: same names and shapes, samples as loadModel rebuilds them', async () => {
    const trainer = new DcganTrainer(train, DEFAULT_SETTINGS);
    expect(pretrainedMismatch(pretrained, trainer.gan)).toBeUndefined();
    const own = trainer.gan.getWeights();
    const shapes = (w: Record<string, tf.Tensor>) =>
      Object.fromEntries(Object.entries(w).map(([k, t]) => [k, t.shape]));
    expect(shapes(own)).toEqual(shapes(pretrained.weights));
    tf.dispose(Object.values(own));
    const scratch = await trainer.images(await latents(64, 5));

    loadPretrainedDcgan(trainer.gan, pretrained);
    expect(trainer.gan.getState()).toEqual({ discriminatorUpdates: 9000 });
    const z = await latents(64, 5);
    const ours = await trainer.images(z);
    // Oracle: @gen/nn's loadModel builds the model from the file's own config; Gan.sample
    // draws z = rng.normal([n, 64]) exactly as `latents` does.
    const oracle = await loadModel<Gan>(bytes);
    const theirs = oracle.sample(64, Rng.fromSeed(5));
    expectClose(tf.tensor(ours, theirs.shape), theirs, { atol: 1e-5, rtol: 0 });
    tf.dispose(theirs);
    oracle.dispose();

    // Finite, in the data range, and digit-like: MNIST's mean grey level is about 0.13, while
    // the untrained generator's sigmoid outputs sit near 0.5.
    expect(ours.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
    const real = mean((await train.data()) as Float32Array);
    expect(Math.abs(mean(ours) - real)).toBeLessThan(0.05);
    expect(Math.abs(mean(scratch) - 0.5)).toBeLessThan(0.1);
    trainer.dispose();
  });

  it('draws interpolation rows whose ends are the endpoint samples', async () => {
    const trainer = new DcganTrainer(train, DEFAULT_SETTINGS);
    loadPretrainedDcgan(trainer.gan, pretrained);
    const ends = await latents(2, 11);
    const d = DCGAN_OPTIONS.latentSize;
    const a = ends.subarray(0, d);
    const b = ends.subarray(d);
    const row = await trainer.images(slerpPath(a, b, 8));
    const first = await trainer.images(Float32Array.from(a));
    const last = await trainer.images(Float32Array.from(b));
    // Batch-normalised in inference mode: each image depends on its own latent only.
    expectClose(tf.tensor(row.subarray(0, 784)), tf.tensor(first), { atol: 1e-6, rtol: 0 });
    expectClose(tf.tensor(row.subarray(7 * 784)), tf.tensor(last), { atol: 1e-6, rtol: 0 });
    expect(mean(row.subarray(3 * 784, 4 * 784))).toBeGreaterThan(0.02);
    trainer.dispose();
  });

  it('evaluates the critic’s loss, 2·log 2 at equilibrium, without moving batch-norm statistics', async () => {
    expect(await equilibriumDiscriminatorLoss('non-saturating')).toBeCloseTo(2 * Math.LN2, 6);
    const trainer = new DcganTrainer(train, DEFAULT_SETTINGS);
    loadPretrainedDcgan(trainer.gan, pretrained);
    const z = await latents(64, 7);
    const real = tf.slice(train, [0, 0], [64, -1]);
    const first = await trainer.evaluate(real, z);
    const again = await trainer.evaluate(real, z);
    expect(again.discriminatorLoss).toBe(first.discriminatorLoss);
    expect(Array.from(again.samples)).toEqual(Array.from(first.samples));
    expect(Number.isFinite(first.discriminatorLoss)).toBe(true);
    expect(first.discriminatorLoss).toBeGreaterThan(0);
    const name = 'generator/generator/norm0/runningMean';
    const before = await pretrained.weights[name]!.data();
    const running = trainer.gan.getWeights();
    expect(Array.from(await running[name]!.data())).toEqual(Array.from(before));
    tf.dispose(Object.values(running));
    real.dispose();
    trainer.dispose();
  });

  it('trains on from the trained weights, leaving the file’s weights as they were', async () => {
    const trainer = new DcganTrainer(train, { ...DEFAULT_SETTINGS, batchSize: 16 });
    loadPretrainedDcgan(trainer.gan, pretrained);
    const name = 'generator/generator/up2/bias';
    const before = Array.from(await pretrained.weights[name]!.data());
    const losses = await trainer.train(1);
    expect(trainer.steps).toBe(1);
    expect(Number.isFinite(losses.discriminator)).toBe(true);
    expect(Number.isFinite(losses.generator)).toBe(true);
    trainer.setDiscriminatorSteps(2);
    trainer.setBatchSize(8);
    trainer.setLearningRate(1e-4);
    await trainer.train(1);
    expect(trainer.steps).toBe(2);
    const weights = trainer.gan.getWeights();
    expect(Array.from(await weights[name]!.data())).not.toEqual(before);
    tf.dispose(Object.values(weights));
    expect(Array.from(await pretrained.weights[name]!.data())).toEqual(before);
    trainer.dispose();
  });

  it('refuses another architecture with a typed error naming loadPretrainedDcgan', async () => {
    const narrow = Gan.dcgan({ ...DCGAN_OPTIONS, width: 16 });
    expect(pretrainedMismatch(pretrained, narrow)).toBe(
      'the trained model has width 32; this one width 16',
    );
    const z = tf.tensor2d(await latents(2, 3), [2, 64]);
    const before = await generateFrom(narrow, z).array();
    expect(() => loadPretrainedDcgan(narrow, pretrained)).toThrow(InvalidArgumentError);
    expect(() => loadPretrainedDcgan(narrow, pretrained)).toThrow(
      /^loadPretrainedDcgan: 'gan' does not fit: the trained model has width 32/,
    );
    const after = generateFrom(narrow, z);
    expect(await after.array()).toEqual(before);
    tf.dispose([z, after]);
    narrow.dispose();
    // The loss and the seed shape no weight: another loss still takes them.
    const hinge = Gan.dcgan({ ...DCGAN_OPTIONS, loss: 'hinge', seed: 3 });
    expect(pretrainedMismatch(pretrained, hinge)).toBeUndefined();
    hinge.dispose();
  });

  it('refuses files that hold no Gan.dcgan with a FormatError naming decodePretrainedDcgan', async () => {
    const vaeFile = await readFile(PRETRAINED_VAE_SOURCE);
    const mlp = Gan.mlp({ dataSize: 2, latentSize: 2, hiddenSizes: [4] });
    const mlpFile = modelToSafetensors(mlp);
    const bare = toSafetensors(mlp.getWeights());
    mlp.dispose();
    await expectNoLeak(() => {
      for (const file of [vaeFile, mlpFile, bare]) {
        expect(() => decodePretrainedDcgan(file)).toThrow(FormatError);
      }
      expect(() => decodePretrainedDcgan(vaeFile)).toThrow(
        /^decodePretrainedDcgan: the file does not hold a Gan\.dcgan of @gen\/gan .*"@gen\/vae"/,
      );
      expect(() => decodePretrainedDcgan(mlpFile)).toThrow(/"factory":"mlp"/);
      expect(() => decodePretrainedDcgan(bare)).toThrow(/gen\.config is missing/);
      expect(() => decodePretrainedDcgan(new Uint8Array(4))).toThrow(
        /^decodePretrainedDcgan: not a safetensors file/,
      );
    });
  });

  it('continues a snapshot of the trained model exactly: step, weights, next losses', async () => {
    const z = await latents(4, 3);
    const real = tf.slice(train, [0, 0], [4, -1]);
    const a = new DcganTrainer(train, { ...DEFAULT_SETTINGS, batchSize: 8 });
    loadPretrainedDcgan(a.gan, pretrained);
    await a.train(1);
    a.setDiscriminatorSteps(2);
    await a.train(1);
    const snap = await a.snapshot();
    expect(snap.step + snap.earlierSteps).toBe(2);
    expect(snap.settings).toEqual({ ...DEFAULT_SETTINGS, batchSize: 8, discriminatorSteps: 2 });
    const evalA = await a.evaluate(real, z);
    const lossA = await a.train(1);
    const before = tf.memory().numTensors;
    // Fresh weights and other settings: the snapshot replaces both.
    const b = new DcganTrainer(train, DEFAULT_SETTINGS, 5, snap);
    await b.begin();
    expect(b.steps).toBe(2);
    expect(b.settings).toEqual(snap.settings);
    const evalB = await b.evaluate(real, z);
    expectClose(tf.tensor(evalB.samples), tf.tensor(evalA.samples), { atol: 1e-5, rtol: 0 });
    expect(evalB.discriminatorLoss).toBeCloseTo(evalA.discriminatorLoss, 4);
    const lossB = await b.train(1);
    expect(b.steps).toBe(3);
    expect(lossB.discriminator).toBeCloseTo(lossA.discriminator, 3);
    expect(lossB.generator).toBeCloseTo(lossA.generator, 3);
    b.dispose();
    // The two tensors of the expectClose above.
    expect(tf.memory().numTensors).toBe(before + 2);
    a.dispose();
    real.dispose();
  });

  it('leaks no tensors: decoding, loading, training, drawing and disposing', async () => {
    const z = await latents(4, 1);
    const real = tf.slice(train, [0, 0], [4, -1]);
    await expectNoLeak(async () => {
      const again = decodePretrainedDcgan(bytes);
      const trainer = new DcganTrainer(train, { ...DEFAULT_SETTINGS, batchSize: 8 });
      loadPretrainedDcgan(trainer.gan, again);
      await trainer.train(1);
      trainer.setBatchSize(4);
      await trainer.evaluate(real, z);
      await trainer.images(slerpPath(z.subarray(0, 64), z.subarray(64, 128), 3));
      await equilibriumDiscriminatorLoss('non-saturating');
      trainer.dispose();
      disposePretrainedDcgan(again);
    });
    real.dispose();
  });
});
