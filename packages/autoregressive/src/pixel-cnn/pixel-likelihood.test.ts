import { initBackend, Rng } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharpen, values } from '../../test/support.js';
import { bitsPerDim } from '../index.js';
import { PixelCnn } from './pixel-cnn.js';
import { discretizedLogisticLogProb, quantize } from './pixel-likelihood.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** The values of a tensor, which is then freed. */
async function read(t: tf.Tensor): Promise<number[]> {
  const v = await values(t);
  t.dispose();
  return v;
}

/** The logistic CDF in float64, 0 and 1 beyond ±∞. */
const cdf = (x: number, loc: number, scale: number) => 1 / (1 + Math.exp(-(x - loc) / scale));

/** P(level) by the closed form in float64: the CDF over the level's bin, tails to the edges. */
function binMass(level: number, loc: number, scale: number): number {
  const centre = (2 * level) / 255 - 1;
  const upper = level === 255 ? 1 : cdf(centre + 1 / 255, loc, scale);
  const lower = level === 0 ? 0 : cdf(centre - 1 / 255, loc, scale);
  return upper - lower;
}

/** Every pair of levels of a 1×2 image, `[65536, 2]`, as grey values ℓ/255. */
function allPairs(): tf.Tensor2D {
  const v = new Float32Array(65536 * 2);
  for (let k = 0; k < 65536; k++) {
    v[2 * k] = (k >> 8) / 255;
    v[2 * k + 1] = (k & 255) / 255;
  }
  return tf.tensor2d(v, [65536, 2]);
}

describe('the discretised logistic over 256 levels', () => {
  it('its masses match the float64 closed form and sum to 1, edge bins taking the tails', async () => {
    // Inside, off the edges, tiny (floored at e^-7) and wide scales.
    const cases: [number, number][] = [
      [0, -2],
      [0.3, -5],
      [-1.4, 0],
      [1.2, -1],
      [-0.999, -9],
      [0.5, 3],
    ];
    const levels = tf.reshape(tf.range(0, 256), [256, 1]);
    for (const [loc, logScale] of cases) {
      const lp = discretizedLogisticLogProb(
        levels,
        tf.fill([256, 1], loc),
        tf.fill([256, 1], logScale),
      );
      const p = (await values(lp)).map(Math.exp);
      const scale = Math.exp(Math.max(logScale, -7));
      const total = p.reduce((a, b) => a + b, 0);
      expect(Math.abs(total - 1), `Σ over the bins for μ ${loc}, log s ${logScale}`).toBeLessThan(
        2e-5,
      );
      p.forEach((pk, k) => {
        const exact = binMass(k, loc, scale);
        expect(Math.abs(pk - exact), `level ${k}, μ ${loc}, log s ${logScale}`).toBeLessThan(
          1e-6 + 2e-4 * exact,
        );
      });
      lp.dispose();
    }
    levels.dispose();
  });

  it('has finite gradients everywhere, tails and tiny bins included', async () => {
    const levels = tf.tensor1d([0, 1, 128, 254, 255]);
    const loc = tf.tensor1d([3, -3, 0.001, 0.5, -5]);
    const logScale = tf.tensor1d([-8, 2, -7, -3, 4]);
    const grads = tf.grads((l: tf.Tensor, s: tf.Tensor) =>
      tf.sum(discretizedLogisticLogProb(levels, l, s)),
    )([loc, logScale]);
    for (const g of grads) expect((await values(g)).every(Number.isFinite)).toBe(true);
    tf.dispose([levels, loc, logScale, grads]);
  });
});

describe('PixelCnn on 8-bit images', () => {
  it('categorical256: logProb is Σ log softmax(logits)[round(255·x)] computed by hand', async () => {
    const [h, w] = [3, 3];
    const model = new PixelCnn({
      height: h,
      width: w,
      channels: 4,
      layers: 2,
      kernelSize: 3,
      blocks: 'gated',
      likelihood: 'categorical256',
      seed: 3,
    });
    sharpen(model, 2, 0.3);
    const levels = [0, 255, 17, 128, 3, 200, 99, 1, 254, 64, 32, 16, 8, 4, 2, 250, 251, 252];
    const images = tf.tensor2d(
      levels.map((l) => l / 255),
      [2, h * w],
    );
    // Off the level by less than half a step: the same quantised image.
    const jitter = tf.tensor2d(
      levels.map((l, k) => Math.min(1, Math.max(0, (l + (k % 2 ? 0.4 : -0.4)) / 255))),
      [2, h * w],
    );
    const out = model.apply(images);
    const logits = (await out.array()) as number[][][][];
    out.dispose();
    let expected = [0, 0];
    expected = expected.map((_, n) => {
      let total = 0;
      for (let i = 0; i < h * w; i++) {
        const l = logits[n]![Math.floor(i / w)]![i % w]!;
        const max = Math.max(...l);
        const logZ = max + Math.log(l.reduce((s, v) => s + Math.exp(v - max), 0));
        total += l[levels[n * h * w + i]!]! - logZ;
      }
      return total;
    });
    const lp = await read(model.logProb(images));
    const jittered = await read(model.logProb(jitter));
    lp.forEach((v, n) => {
      expect(Math.abs(v - expected[n]!), `image ${n}`).toBeLessThan(1e-3);
      expect(Math.abs(jittered[n]! - v)).toBeLessThan(1e-4);
    });
    const bits = await read(tf.tidy(() => bitsPerDim(model.logProb(images), h * w)));
    bits.forEach((b, n) => {
      expect(b).toBeCloseTo(-expected[n]! / (h * w * Math.LN2), 4);
    });
    tf.dispose([images, jitter]);
    model.dispose();
  });

  it('a zero output layer is uniform over the levels: exactly 8 bits per dimension', async () => {
    const model = new PixelCnn({
      height: 2,
      width: 3,
      channels: 3,
      layers: 1,
      kernelSize: 3,
      likelihood: 'categorical256',
    });
    const weights = model.getWeights();
    const zeroed = Object.fromEntries(
      Object.entries(weights).map(([k, v]) => [
        k,
        k.startsWith('pixelCnn/logits/') ? tf.zerosLike(v) : v,
      ]),
    );
    model.setWeights(zeroed);
    const x = Rng.fromSeed(4).uniform([5, 6]);
    const bits = tf.tidy(() => bitsPerDim(model.logProb(x), 6));
    for (const b of await values(bits)) expect(b).toBeCloseTo(8, 5);
    expect(bitsPerDim(-784 * Math.log(256), 784)).toBeCloseTo(8, 12);
    expect(() => bitsPerDim(-1, 0)).toThrow(
      /bitsPerDim: argument 'dims' must be an integer >= 1, got 0/,
    );
    expect(() => bitsPerDim(Number.NaN, 4)).toThrow(
      /bitsPerDim: argument 'logProb' must not be NaN/,
    );
    expect(() => bitsPerDim('x' as never, 4)).toThrow(
      /bitsPerDim: argument 'logProb' must be a live tf.Tensor/,
    );
    tf.dispose([Object.values(weights), Object.values(zeroed), x, bits]);
    model.dispose();
  });

  it('discretizedLogistic: the probabilities of all 256² images of 1×2 pixels sum to 1', async () => {
    // (For categorical256 this follows from the hand computation above and the receptive
    // field tests; summing 65 536 images of 256 logits each takes seconds on wasm.)
    const model = new PixelCnn({
      height: 1,
      width: 2,
      channels: 4,
      layers: 2,
      kernelSize: 3,
      blocks: 'gated',
      likelihood: 'discretizedLogistic',
      components: 3,
      seed: 5,
    });
    sharpen(model, 2, 0.3);
    const x = allPairs();
    const p = (await read(model.logProb(x))).map(Math.exp);
    const total = p.reduce((a, b) => a + b, 0);
    expect(Math.abs(total - 1), `Σp = ${total}`).toBeLessThan(2e-4);
    // The second pixel's law depends on the first.
    const given = (first: number) => p.slice(first * 256, first * 256 + 256);
    const distance = given(0).reduce((s, v, k) => s + Math.abs(v - given(255)[k]!), 0);
    expect(distance).toBeGreaterThan(1e-3);
    x.dispose();
    model.dispose();
  });

  for (const likelihood of ['categorical256', 'discretizedLogistic'] as const) {
    it(`${likelihood}: draws are levels ℓ/255 with the frequencies exp(logProb) (1×1 images, within 4 SE)`, async () => {
      const model = new PixelCnn({
        height: 1,
        width: 1,
        channels: 4,
        layers: 1,
        kernelSize: 3,
        likelihood,
        ...(likelihood === 'discretizedLogistic' ? { components: 2 } : {}),
        seed: 6,
      });
      sharpen(model, 3, 1);
      const grid = tf.tensor2d(Array.from({ length: 256 }, (_, k) => [k / 255]));
      const probs = (await read(model.logProb(grid))).map(Math.exp);
      const n = 10000;
      const drawn = await read(model.sample(n, Rng.fromSeed(7)));
      const counts = new Array<number>(256).fill(0);
      for (const v of drawn) {
        const level = Math.round(v * 255);
        expect(Math.abs(v * 255 - level)).toBeLessThan(1e-4);
        expect(level).toBeGreaterThanOrEqual(0);
        expect(level).toBeLessThanOrEqual(255);
        counts[level]! += 1;
      }
      probs.forEach((p, k) => {
        const se = Math.sqrt((p * (1 - p)) / n);
        expect(Math.abs(counts[k]! / n - p), `level ${k}: p ${p}`).toBeLessThanOrEqual(
          4 * se + 1e-12,
        );
      });
      // Not nearly uniform, so the frequencies test the law.
      expect(Math.max(...probs)).toBeGreaterThan(4 / 256);
      grid.dispose();
      model.dispose();
    });
  }

  it('a few Adam steps on two families of grey images cut the NLL of both 8-bit likelihoods', async () => {
    // Half the images dark (levels near 40), half bright (near 210), 4×4 pixels.
    const x = tf.tidy(() => {
      const rng = Rng.fromSeed(10);
      const bright = tf.cast(tf.less(rng.uniform([32, 1]), 0.5), 'float32');
      const mean = tf.add(40 / 255, tf.mul(bright, 170 / 255));
      return tf.clipByValue(tf.add(mean, rng.normal([32, 16], 0, 8 / 255)), 0, 1);
    });
    for (const likelihood of ['categorical256', 'discretizedLogistic'] as const) {
      const model = new PixelCnn({
        height: 4,
        width: 4,
        channels: 8,
        layers: 2,
        kernelSize: 3,
        blocks: 'gated',
        likelihood,
        seed: 11,
      });
      const optimizer = tf.train.adam(0.05);
      const nll = async () => (await read(model.loss(x)))[0]!;
      const before = await nll();
      for (let step = 0; step < 12; step++) {
        optimizer.minimize(() => model.loss(x), false, model.trainableVariables);
      }
      const after = await nll();
      // Uniform levels cost 16·log 256 = 88.7 nats; 12 steps save 33 (256 logits) and 15
      // nats (one logistic) from an untrained start of 89 and 101.
      expect(before, likelihood).toBeGreaterThan(80);
      expect(after, likelihood).toBeLessThan(before - 10);
      optimizer.dispose();
      model.dispose();
    }
    x.dispose();
  });

  it('quantises to round(255·x) and samples 7×7 grey images of valid levels without leaking', async () => {
    const q = await read(tf.tidy(() => quantize(tf.tensor1d([0, 1, 0.5, 0.001, 0.999, 0.2]))));
    expect(q).toEqual([0, 255, 128, 0, 255, 51]);
    const model = new PixelCnn({
      height: 7,
      width: 7,
      channels: 3,
      layers: 2,
      kernelSize: 3,
      blocks: 'gated',
      likelihood: 'discretizedLogistic',
      components: 2,
    });
    const x = Rng.fromSeed(8).uniform([2, 49]);
    await expectNoLeak(() => model.logProb(x), 'logProb');
    await expectNoLeak(() => model.loss(x), 'loss');
    await expectNoLeak(
      () => tf.variableGrads(() => model.loss(x), model.trainableVariables),
      'gradients',
    );
    await expectNoLeak(() => model.sample(2, Rng.fromSeed(9)), 'sample');
    const drawn = model.sample(2, Rng.fromSeed(9));
    expect(drawn.shape).toEqual([2, 49]);
    for (const v of await values(drawn)) {
      expect(Math.abs(v * 255 - Math.round(v * 255))).toBeLessThan(1e-4);
      expect(v >= 0 && v <= 1).toBe(true);
    }
    tf.dispose([x, drawn]);
    model.dispose();
  });
});
