import { initBackend, Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharpen } from '../../test/support.js';
import { PixelCnn } from './pixel-cnn.js';
import type { PixelCnnOptions } from './pixel-cnn-options.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const [H, W] = [7, 7];

/**
 * J[i][k] = ∂ (Σ of the output channels at pixel i) / ∂ input pixel k, raster indices, by
 * autodiff: row b of a batch of H·W copies of one image differentiates the output at pixel b,
 * so one backward pass gives every row.
 */
async function jacobian(options: PixelCnnOptions): Promise<number[][]> {
  const model = new PixelCnn({
    height: H,
    width: W,
    channels: 4,
    kernelSize: 3,
    seed: 1,
    ...options,
  });
  sharpen(model, 1.5, 0.2);
  const d = H * W;
  const image = Rng.fromSeed(2).uniform([1, H, W, 1]);
  const select = tf.reshape(tf.eye(d), [d, H, W, 1]);
  const batch = tf.tile(image, [d, 1, 1, 1]);
  const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.sum(model.apply(x), -1, true), select)))(
    batch,
  );
  const rows = (await grad.array()) as number[][][][];
  tf.dispose([image, select, batch, grad]);
  model.dispose();
  return rows.map((row) => row.flat(2));
}

describe('PixelCnn receptive fields, by autodiff on 7×7 images', () => {
  it("'gated' (2 blocks, k = 3): exactly the 2 rows above within ±2 columns and the 2 pixels to the left — no blind spot", async () => {
    // Each block widens the field by m = 1 row up, 1 column each side and 1 pixel to the left.
    const reach = 2;
    const J = await jacobian({ blocks: 'gated', layers: reach });
    for (let i = 0; i < H * W; i++) {
      const [r, c] = [Math.floor(i / W), i % W];
      for (let k = 0; k < H * W; k++) {
        const [kr, kc] = [Math.floor(k / W), k % W];
        const above = kr < r && r - kr <= reach && Math.abs(kc - c) <= reach;
        const left = kr === r && kc < c && c - kc <= reach;
        const g = J[i]![k]!;
        if (above || left)
          expect(Math.abs(g), `∂out(${r},${c})/∂x(${kr},${kc})`).toBeGreaterThan(0);
        else expect(g, `∂out(${r},${c})/∂x(${kr},${kc})`).toBe(0);
      }
    }
  });

  it("'gated' with 256 logits and with a logistic mixture: nothing at or after the pixel", async () => {
    for (const options of [
      { likelihood: 'categorical256' },
      { likelihood: 'discretizedLogistic', components: 2 },
    ] as const) {
      const J = await jacobian({ blocks: 'gated', layers: 3, ...options });
      for (let i = 0; i < H * W; i++) {
        for (let k = i; k < H * W; k++)
          expect(J[i]![k], `${options.likelihood} ${i} ← ${k}`).toBe(0);
        // Three blocks reach 3 rows up and 3 columns to each side.
        const [r, c] = [Math.floor(i / W), i % W];
        for (let col = Math.max(0, c - 3); col <= Math.min(W - 1, c + 3) && r > 0; col++) {
          const k = (r - 1) * W + col;
          expect(Math.abs(J[i]![k]!), `${options.likelihood} ${i} ← ${k}`).toBeGreaterThan(0);
        }
      }
    }
  });

  it("'masked' (2 layers, k = 3) is causal too, but has the blind spot the gated blocks remove", async () => {
    const J = await jacobian({ blocks: 'masked', layers: 2 });
    for (let i = 0; i < H * W; i++) {
      for (let k = i; k < H * W; k++) expect(J[i]![k], `${i} ← ${k}`).toBe(0);
    }
    // Pixel (3, 3): (2, 5) lies in the gated field of the same reach, not in this one.
    const at = (r: number, c: number) => r * W + c;
    expect(J[at(3, 3)]![at(2, 5)]).toBe(0);
    expect(Math.abs(J[at(3, 3)]![at(1, 5)]!)).toBeGreaterThan(0);
    expect(Math.abs(J[at(3, 3)]![at(2, 4)]!)).toBeGreaterThan(0);
  });
});
