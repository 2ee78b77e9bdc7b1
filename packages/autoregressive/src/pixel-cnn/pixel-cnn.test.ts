import { initBackend, Rng } from '@gen/core';
import { describeBackends, expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { allBinary, expectFrequencies, sharpen, values } from '../../test/support.js';
import { PixelCnn } from './pixel-cnn.js';

describeBackends('PixelCnn: probabilities of all binary images sum to 1', ({ tolerance }) => {
  it('all 2^9 images of 3×3 pixels', async () => {
    const model = new PixelCnn({
      height: 3,
      width: 3,
      channels: 4,
      layers: 2,
      kernelSize: 3,
      seed: 1,
    });
    sharpen(model, 2, 0.3);
    const x = allBinary(9);
    const lp = model.logProb(x);
    const p = (await values(lp)).map(Math.exp);
    const total = p.reduce((a, b) => a + b, 0);
    expect(Math.abs(total - 1), `Σp = ${total}`).toBeLessThan(100 * tolerance);
    expect(Math.max(...p)).toBeGreaterThan(4 / 2 ** 9);
    tf.dispose([x, lp]);
    model.dispose();
  });
});

describe('PixelCnn', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('logit (r, c) ignores pixel (r, c) and every later pixel in raster order', async () => {
    const [h, w] = [4, 5];
    const model = new PixelCnn({
      height: h,
      width: w,
      channels: 6,
      layers: 3,
      kernelSize: 3,
      seed: 2,
    });
    sharpen(model, 2, 0.3);
    const rng = Rng.fromSeed(3);
    const bits = () => tf.tidy(() => tf.cast(tf.less(rng.uniform([8, h * w]), 0.5), 'float32'));
    const x = bits();
    const logitsOf = async (images: tf.Tensor, k: number) => {
      const logits = tf.tidy(() =>
        tf.reshape(model.apply(tf.reshape(images, [-1, h, w, 1])), [-1, h * w]),
      );
      const column = tf.slice(logits, [0, k], [-1, 1]);
      const out = await values(column);
      tf.dispose([logits, column]);
      return out;
    };
    for (let k = 0; k < h * w; k++) {
      const fresh = bits();
      const keep = tf.tensor2d(
        Array.from({ length: h * w }, (_, j) => (j < k ? 1 : 0)),
        [1, h * w],
      );
      const changed = tf.tidy(() => tf.add(tf.mul(x, keep), tf.mul(fresh, tf.sub(1, keep))));
      expect(await logitsOf(changed, k), `pixel ${k}`).toEqual(await logitsOf(x, k));
      // …but it does see its left neighbour and the pixel above it.
      for (const j of [k - 1, k - w]) {
        if (j < 0 || (j === k - 1 && k % w === 0)) continue;
        const flip = tf.tensor2d(
          Array.from({ length: h * w }, (_, i) => (i === j ? 1 : 0)),
          [1, h * w],
        );
        const flipped = tf.tidy(() => tf.abs(tf.sub(x, flip)));
        expect(await logitsOf(flipped, k), `pixel ${k} sees ${j}`).not.toEqual(
          await logitsOf(x, k),
        );
        tf.dispose([flip, flipped]);
      }
      tf.dispose([fresh, keep, changed]);
    }
    x.dispose();
    model.dispose();
  });

  it('sample draws 3×2 images with the frequencies exp(logProb) (within 4 SE)', async () => {
    // Three rows, so sampling runs the network on crops of 1, 2 and 3 rows.
    const model = new PixelCnn({
      height: 3,
      width: 2,
      channels: 8,
      layers: 2,
      kernelSize: 3,
      seed: 4,
    });
    sharpen(model, 2, 0.3);
    const x = allBinary(6);
    const lp = model.logProb(x);
    const probs = (await values(lp)).map(Math.exp);
    const samples = model.sample(20000, Rng.fromSeed(5));
    expect(samples.shape).toEqual([20000, 6]);
    await expectFrequencies(samples, probs);
    expect(Math.max(...probs)).toBeGreaterThan(4 / 64);
    tf.dispose([x, lp, samples]);
    model.dispose();
  });

  it('takes [n, H·W] and [n, H, W, 1] alike, and samples 28×28 images', async () => {
    const model = new PixelCnn({ channels: 4, layers: 2, kernelSize: 3, seed: 6 });
    const rng = Rng.fromSeed(7);
    const flat = tf.tidy(() => tf.cast(tf.less(rng.uniform([2, 784]), 0.3), 'float32'));
    const image = tf.reshape(flat, [2, 28, 28, 1]);
    const a = model.logProb(flat);
    const b = model.logProb(image);
    expectClose(a, b, { atol: 1e-4 });
    expect(a.shape).toEqual([2]);
    const drawn = model.sample(1, Rng.fromSeed(8));
    expect(drawn.shape).toEqual([1, 784]);
    expect((await values(drawn)).every((v) => v === 0 || v === 1)).toBe(true);
    tf.dispose([flat, image, a, b, drawn]);
    model.dispose();
  });
});
