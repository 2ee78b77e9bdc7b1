import '@gen/vae';
import { fileURLToPath } from 'node:url';
import { initBackend, Rng } from '@gen/core';
import { loadModel } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  imageQuality,
  loadClassifier,
  type MnistClassifierModel,
} from '../../bench/quality/image-quality.mjs';

// Class-conditional MNIST: the committed conditional VAE (pretrained/cvae-mnist, `gen train vae
// --data mnist --conditional`) draws digits of a chosen class, and the bench's pretrained MNIST
// classifier (pretrained/mnist-classifier, 99.15 % test accuracy) must put them in that class.
// bench/image-quality.mjs reports the same score on 5000 draws (pretrained/cvae-mnist/quality.json).

const RUN = fileURLToPath(
  new URL('../../pretrained/cvae-mnist/model.safetensors', import.meta.url),
);
const PER_CLASS = 50;
// The share bench/image-quality.mjs measured on 5000 draws (pretrained/cvae-mnist/quality.json).
const CLASS_ACCURACY = 0.9742;

describe('class-conditional MNIST samples scored by the MNIST classifier', () => {
  let classifier: MnistClassifierModel;
  beforeAll(async () => {
    await initBackend('wasm');
    classifier = await loadClassifier();
  }, 120_000);
  afterAll(() => classifier?.dispose());

  it('the conditional VAE draws digits of the class it is given', async () => {
    const model = (await loadModel(RUN)) as unknown as {
      conditionSize: number;
      sample(n: number, rng: Rng, options: { condition: tf.Tensor }): tf.Tensor;
      dispose(): void;
    };
    expect(model.conditionSize).toBe(10);
    const labels = Array.from({ length: 10 * PER_CLASS }, (_, i) => i % 10);
    const images = tf.tidy(() => {
      const condition = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 10), 'float32');
      const x = model.sample(labels.length, Rng.fromSeed(0), { condition });
      return tf.clipByValue(tf.reshape(x, [labels.length, 784]), 0, 1);
    });
    try {
      const quality = await imageQuality(images, { classifier, labels, referenceSize: 500 });
      console.log(
        `cvae-mnist: ${(100 * quality.classAccuracy!).toFixed(1)} % of ${labels.length} draws classified as their class; per class ${quality.perClassAccuracy!.map((a) => a!.toFixed(2)).join(' ')}`,
      );
      // 5000 draws score CLASS_ACCURACY (quality.json); 500 draws have a standard error of about
      // 0.015 there, so 4 SE below it is the bound.
      expect(quality.classAccuracy!).toBeGreaterThan(CLASS_ACCURACY - 0.06);
      for (const share of quality.perClassAccuracy!) expect(share!).toBeGreaterThan(0.6);
      // Without the condition the classes would be drawn at their data shares, about 0.1 each.
      for (const share of quality.classShares) expect(share).toBeLessThan(0.2);
    } finally {
      images.dispose();
      model.dispose();
    }
  });
});
