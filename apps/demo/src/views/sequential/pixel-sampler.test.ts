import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PixelCnn } from '@gen/autoregressive';
import { FormatError, initBackend, Rng } from '@gen/core';
import { toSafetensors } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRETRAINED_ASSETS } from '../../../scripts/pretrained-asset-plugin.js';
import {
  decodePretrainedPixelCnn,
  PixelSampler,
  PRETRAINED_PIXELCNN_PATH,
} from './pixel-sampler.js';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

describe('PixelSampler: PixelCnn.sample one pixel at a time (cpu)', () => {
  let model: PixelCnn;
  beforeAll(async () => {
    await initBackend('cpu');
    // Small and random, so its conditionals are far from 0 and 1 and draws vary.
    model = new PixelCnn({ height: 6, width: 5, channels: 6, layers: 3, kernelSize: 3, seed: 4 });
  });

  it('draws the same images as the package’s sampler for the same seed', async () => {
    for (const seed of [1, 2, 3]) {
      const before = tf.memory().numTensors;
      const sampler = new PixelSampler(model, 3, Rng.fromSeed(seed));
      const counts: number[] = [];
      while (!sampler.done) counts.push(await sampler.step(7));
      expect(counts).toEqual([7, 7, 7, 7, 2]);
      expect(await sampler.step(7)).toBe(0);
      const reference = model.sample(3, Rng.fromSeed(seed));
      const expected = await reference.data();
      expect([...sampler.pixels]).toEqual([...expected]);
      const mine = sampler.images();
      expect([...(await mine.data())]).toEqual([...expected]);
      // Not a blank or constant image: the comparison means something.
      const ones = [...expected].filter((v) => v === 1).length;
      expect(ones).toBeGreaterThan(5);
      expect(ones).toBeLessThan(85);
      tf.dispose([reference, mine]);
      sampler.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('records each pixel’s p(x_i = 1 | x_<i) as a full forward pass of the final image gives it', async () => {
    const sampler = new PixelSampler(model, 2, Rng.fromSeed(9));
    await sampler.readNext();
    const first = sampler.next.slice();
    const size = sampler.size;
    const nexts: Float32Array[] = [first];
    while (!sampler.done) {
      await sampler.step(4);
      nexts.push(sampler.next.slice());
    }
    const image = sampler.images();
    const square = tf.reshape(image, [2, 6, 5, 1]);
    const logits = model.apply(square);
    const l = await logits.data();
    const logProb = model.logProb(image);
    const lp = await logProb.data();
    for (let j = 0; j < 2; j++) {
      for (let i = 0; i < size; i++) {
        expect(sampler.probabilities[j * size + i]).toBeCloseTo(sigmoid(l[j * size + i]!), 5);
      }
      // Σ_i log p(x_i | x_<i) is the model's log p(x).
      expect(sampler.logLikelihood[j]).toBeCloseTo(lp[j]!, 4);
    }
    // `next` after each step is the conditional of the pixel the next step draws.
    for (let s = 0; s < nexts.length - 1; s++) {
      for (let j = 0; j < 2; j++) {
        expect(nexts[s]![j]).toBeCloseTo(sampler.probabilities[j * size + 4 * s]!, 5);
      }
    }
    expect(Number.isNaN(nexts.at(-1)![0])).toBe(true);
    tf.dispose([image, square, logits, logProb]);
    sampler.dispose();
  });

  it('refuses bad counts and use after dispose', async () => {
    const sampler = new PixelSampler(model, 1, Rng.fromSeed(0));
    await expect(sampler.step(0)).rejects.toThrow(/count/);
    await expect(sampler.step(1.5)).rejects.toThrow(/count/);
    sampler.dispose();
    await expect(sampler.step(1)).rejects.toThrow(/disposed/);
    expect(() => new PixelSampler(model, 0, Rng.fromSeed(0))).toThrow(/'n'/);
  });

  it('continues from its state with the same draws as an uninterrupted run', async () => {
    const before = tf.memory().numTensors;
    const straight = new PixelSampler(model, 2, Rng.fromSeed(5));
    while (!straight.done) await straight.step(6);

    const first = new PixelSampler(model, 2, Rng.fromSeed(5));
    await first.step(11);
    const state = first.state();
    expect(state.position).toBe(11);
    await first.step(3); // the state is a copy: later draws do not change it
    first.dispose();
    const resumed = await PixelSampler.restore(model, state);
    expect(resumed.drawn).toBe(11);
    expect(Number.isNaN(resumed.next[0]!)).toBe(false);
    while (!resumed.done) await resumed.step(4);
    expect([...resumed.pixels]).toEqual([...straight.pixels]);
    expect([...resumed.probabilities]).toEqual([...straight.probabilities]);
    for (let j = 0; j < 2; j++) {
      expect(resumed.logLikelihood[j]).toBeCloseTo(straight.logLikelihood[j]!, 4);
    }
    // A state that does not fit the model is refused, without leaking.
    const wrong = { ...state, pixels: new Float32Array(3) };
    await expect(PixelSampler.restore(model, wrong)).rejects.toThrow(/does not fit/);
    straight.dispose();
    resumed.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the released PixelCNN the view samples from (wasm)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('is shipped with the build and rebuilds the configured architecture', async () => {
    const asset = PRETRAINED_ASSETS.find((a) => a.path === PRETRAINED_PIXELCNN_PATH);
    expect(asset?.release).toBe('pretrained/pixelcnn-mnist');
    const bytes = await readFile(asset!.source);
    const before = tf.memory().numTensors;
    const model = await decodePretrainedPixelCnn(bytes);
    expect(model.toConfig().options).toMatchObject({ channels: 16, layers: 5, kernelSize: 5 });
    expect([model.height, model.width]).toEqual([28, 28]);
    // A trained model: the top-left corner of an MNIST digit is background, p(x_0 = 1) ≈ 0.
    const sampler = new PixelSampler(model, 2, Rng.fromSeed(0));
    await sampler.step(30);
    for (let i = 0; i < 30; i++) expect(sampler.probabilities[i]).toBeLessThan(0.05);
    expect(sampler.logLikelihood[0]).toBeLessThan(0);
    expect(sampler.logLikelihood[0]).toBeGreaterThan(-1);
    sampler.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a file that holds another model, leaving nothing allocated', async () => {
    const other = tf.tensor1d([1, 2]);
    const bytes = toSafetensors(
      { w: other },
      {
        'gen.config': JSON.stringify({
          package: '@gen/x',
          model: 'Y',
          factory: 'new',
          options: {},
        }),
      },
    );
    other.dispose();
    const before = tf.memory().numTensors;
    await expect(decodePretrainedPixelCnn(bytes)).rejects.toThrow();
    await expect(decodePretrainedPixelCnn(new Uint8Array([1, 2, 3]))).rejects.toThrow(FormatError);
    expect(tf.memory().numTensors).toBe(before);
  });
});

// The asset's file really is the released run the config describes.
it('the asset path points at the released run’s model.safetensors', () => {
  const asset = PRETRAINED_ASSETS.find((a) => a.path === PRETRAINED_PIXELCNN_PATH)!;
  expect(asset.source).toBe(
    fileURLToPath(
      new URL('../../../../../pretrained/pixelcnn-mnist/model.safetensors', import.meta.url),
    ),
  );
});
