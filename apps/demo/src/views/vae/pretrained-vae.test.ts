import { readFile } from 'node:fs/promises';
import { FormatError, InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import { bernoulliBinarize } from '@gen/data';
import { loadMnist } from '@gen/data/node';
import { loadModel, modelToSafetensors, toSafetensors } from '@gen/nn';
import { Vae } from '@gen/vae';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PRETRAINED_ASSETS,
  PRETRAINED_VAE_SOURCE,
  pretrainedAssetPlugin,
} from '../../../scripts/pretrained-asset-plugin.js';
import type { MnistTensors } from './mnist-tensors.js';
import {
  decodePretrainedVae,
  disposePretrainedVae,
  loadPretrainedVae,
  PRETRAINED_VAE_PATH,
  type PretrainedVae,
  pretrainedMismatch,
} from './pretrained-vae.js';
import { DEFAULT_SETTINGS, VaeTrainer } from './trainer.js';

describe('the trained VAE the view starts from (wasm, the committed file)', () => {
  let bytes: Uint8Array;
  let pretrained: PretrainedVae;
  let data: MnistTensors;

  beforeAll(async () => {
    await initBackend('wasm');
    bytes = await readFile(PRETRAINED_VAE_SOURCE);
    pretrained = decodePretrainedVae(bytes);
    const train = await loadMnist({ split: 'train', limit: 64 });
    const test = await loadMnist({ split: 'test', limit: 256 });
    const binary = bernoulliBinarize(test.images, Rng.fromSeed(3)) as tf.Tensor2D;
    data = {
      train: train.images,
      test: binary,
      evalBatch: binary,
      testLabels: Uint8Array.from(await test.labels.data()),
    };
    tf.dispose([train.labels, test.images, test.labels]);
  });

  afterAll(() => {
    disposePretrainedVae(pretrained);
    tf.dispose([data.train, data.test]);
  });

  it("is the default model's architecture, with the run's step count", () => {
    expect(pretrained.architecture).toBe('784-256-2');
    expect([pretrained.hiddenSize, pretrained.latentSize]).toEqual([
      DEFAULT_SETTINGS.hiddenSize,
      DEFAULT_SETTINGS.latentSize,
    ]);
    expect(pretrained.steps).toBe(2000);
    expect(pretrained.config.options.likelihood).toBe('bernoulli');
  });

  it('fits the default model and decodes as loadModel rebuilds it from the same file', async () => {
    const trainer = new VaeTrainer(data, DEFAULT_SETTINGS);
    expect(pretrainedMismatch(pretrained, trainer.vae)).toBeUndefined();
    const untrained = await trainer.heldOutNegElbo();
    loadPretrainedVae(trainer.vae, pretrained);
    const oracle = await loadModel<Vae>(bytes);
    const z = tf.tensor2d([0, 0, 1.5, -0.5, -2, 2], [3, 2]);
    const [ours, theirs] = [trainer.vae.decode(z), oracle.decode(z)];
    expectClose(ours, theirs, { atol: 1e-6, rtol: 0 });
    tf.dispose([z, ours, theirs]);
    oracle.dispose();
    // 784·log 2 ≈ 543 nats untrained; the released run's test ELBO is about −162 nats.
    expect(untrained).toBeGreaterThan(400);
    const trained = await trainer.heldOutNegElbo();
    expect(trained).toBeGreaterThan(120);
    expect(trained).toBeLessThan(200);
    trainer.dispose();
  });

  it('ignores β (it shapes the loss, not the weights) and leaves the file untouched by training', async () => {
    const before = await pretrained.weights['decoder/dense1/bias']!.data();
    const trainer = new VaeTrainer(data, { ...DEFAULT_SETTINGS, beta: 4 });
    loadPretrainedVae(trainer.vae, pretrained);
    await trainer.train(3);
    const variable = trainer.vae.getWeights()['decoder/dense1/bias']!;
    const trained = await variable.data();
    expect(Array.from(trained)).not.toEqual(Array.from(before));
    const after = await pretrained.weights['decoder/dense1/bias']!.data();
    expect(Array.from(after)).toEqual(Array.from(before));
    trainer.dispose();
  });

  it('refuses other sizes with a message naming both, leaving the model as it was', async () => {
    const trainer = new VaeTrainer(data, { ...DEFAULT_SETTINGS, hiddenSize: 64, latentSize: 4 });
    expect(pretrainedMismatch(pretrained, trainer.vae)).toBe(
      'the trained model has hiddenSizes [256], latentSize 2; these settings ask for hiddenSizes [64], latentSize 4',
    );
    const before = await trainer.heldOutNegElbo();
    expect(() => loadPretrainedVae(trainer.vae, pretrained)).toThrow(InvalidArgumentError);
    expect(() => loadPretrainedVae(trainer.vae, pretrained)).toThrow(
      /^loadPretrainedVae: 'vae' does not fit: the trained model has hiddenSizes \[256\]/,
    );
    expect(await trainer.heldOutNegElbo()).toBe(before);
    trainer.dispose();
    const gaussian = Vae.mlp({
      inputSize: 784,
      hiddenSizes: [256],
      latentSize: 2,
      likelihood: { gaussian: 'learned' },
    });
    expect(pretrainedMismatch(pretrained, gaussian)).toMatch(/likelihood "bernoulli"/);
    gaussian.dispose();
  });

  it('leaks no tensors: decoding, loading, training and disposing', async () => {
    await expectNoLeak(async () => {
      const again = decodePretrainedVae(bytes);
      const trainer = new VaeTrainer(data, DEFAULT_SETTINGS);
      loadPretrainedVae(trainer.vae, again);
      await trainer.train(2);
      await trainer.heldOutNegElbo();
      trainer.dispose();
      disposePretrainedVae(again);
    });
  });

  it('refuses files that hold no one-hidden-layer VAE, allocating nothing', async () => {
    const other = Vae.mlp({
      inputSize: 4,
      hiddenSizes: [3, 3],
      latentSize: 1,
      likelihood: 'bernoulli',
    });
    const deep = modelToSafetensors(other);
    const bare = toSafetensors(other.getWeights());
    other.dispose();
    await expectNoLeak(() => {
      expect(() => decodePretrainedVae(deep)).toThrow(
        /^decodePretrainedVae: the view shows MLP VAEs with one hidden layer; .*hiddenSizes \[3,3\]/,
      );
      expect(() => decodePretrainedVae(bare)).toThrow(FormatError);
      expect(() => decodePretrainedVae(bare)).toThrow(/does not hold a Vae of @gen\/vae .*missing/);
      expect(() => decodePretrainedVae(new Uint8Array(4))).toThrow(FormatError);
    });
  });

  it('ships the file at the fixed path from generateBundle, and names a missing file', async () => {
    const emitted: { fileName: string; size: number }[] = [];
    const context = {
      emitFile(file: { fileName: string; source: Uint8Array }) {
        emitted.push({ fileName: file.fileName, size: file.source.length });
        return file.fileName;
      },
    };
    type Hook = (this: typeof context) => Promise<void>;
    await (pretrainedAssetPlugin().generateBundle as unknown as Hook).call(context);
    expect(emitted[0]).toEqual({ fileName: PRETRAINED_VAE_PATH, size: bytes.length });
    expect(emitted.map((e) => e.fileName)).toEqual(PRETRAINED_ASSETS.map((a) => a.path));
    const missing = pretrainedAssetPlugin('/nonexistent/model.safetensors');
    await expect((missing.generateBundle as unknown as Hook).call(context)).rejects.toThrow(
      /pretrainedAssetPlugin: cannot read the trained VAE '\/nonexistent\/model.safetensors' \(see pretrained\/vae-mnist-2d\/README.md\)/,
    );
  });
});
