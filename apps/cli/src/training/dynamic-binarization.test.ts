import { batches, initBackend, Rng } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { bernoulliBinarize } from '@gen/data';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamicBinarization } from './dynamic-binarization.js';

/** The batches of the next `passes` passes of an iterable, as arrays (each tensor disposed). */
async function passes(data: Iterable<tf.Tensor>, count: number): Promise<number[][][][]> {
  const out: number[][][][] = [];
  for (let p = 0; p < count; p++) {
    const pass: number[][][] = [];
    for (const batch of data) {
      pass.push((await batch.array()) as number[][]);
      batch.dispose();
    }
    out.push(pass);
  }
  return out;
}

let grey: tf.Tensor2D;
beforeAll(async () => {
  await initBackend('cpu');
  // Columns 0 and 1 are certain (u < 0 never, u < 1 always); the others are grey.
  grey = tf.tidy(() =>
    tf.concat([tf.zeros([10, 1]), tf.ones([10, 1]), Rng.fromSeed(3).uniform([10, 4])], 1),
  ) as tf.Tensor2D;
});
afterAll(() => grey.dispose());

describe('dynamicBinarization', () => {
  it('pass p is epoch firstEpoch + p of one stream of batches(x, { map: bernoulliBinarize })', async () => {
    const reference = batches(grey, {
      batchSize: 4,
      rng: Rng.fromSeed(7),
      epochs: 3,
      map: bernoulliBinarize,
    });
    const epochs: number[][][][] = [[], [], []];
    for (let e = 0; e < 3; e++) {
      for (let i = 0; i < reference.batchesPerEpoch; i++) {
        const batch = reference.take()!;
        epochs[e]!.push((await batch.array()) as number[][]);
        batch.dispose();
      }
    }
    const fresh = dynamicBinarization(grey, { batchSize: 4, rng: Rng.fromSeed(7), firstEpoch: 0 });
    expect(await passes(fresh, 3)).toEqual(epochs);
    // A resumed run starts at the checkpoint's epoch and gets that epoch's batches.
    const resumed = dynamicBinarization(grey, {
      batchSize: 4,
      rng: Rng.fromSeed(7),
      firstEpoch: 2,
    });
    expect(await passes(resumed, 1)).toEqual([epochs[2]]);
  });

  it('draws a fresh binary image of every batch: certain pixels kept, grey ones re-drawn', async () => {
    const data = dynamicBinarization(grey, { batchSize: 10, rng: Rng.fromSeed(1), firstEpoch: 0 });
    const [[first], [second]] = (await passes(data, 2)) as [[number[][]], [number[][]]];
    for (const image of [...first, ...second]) {
      expect(image[0]).toBe(0);
      expect(image[1]).toBe(1);
      for (const v of image) expect(v === 0 || v === 1).toBe(true);
    }
    // The rows come in another order each epoch; sorted, the images of the two passes differ
    // only by their draws (40 grey pixels each: all equal has probability below 2^-40 here).
    const sorted = (rows: number[][]) => rows.map((r) => r.join('')).sort();
    expect(sorted(first)).not.toEqual(sorted(second));
  });

  it('matches each grey level in the mean over many passes (4 standard errors)', async () => {
    const p = 0.3;
    const x = tf.fill([250, 8], p);
    const data = dynamicBinarization(x, { batchSize: 100, rng: Rng.fromSeed(11), firstEpoch: 0 });
    let ones = 0;
    let count = 0;
    for (const pass of await passes(data, 4)) {
      for (const batch of pass) {
        for (const row of batch) for (const v of row) ones += v;
        count += batch.length * 8;
      }
    }
    x.dispose();
    expect(count).toBe(8000);
    // A false failure has probability about 6e-5.
    expect(Math.abs(ones / count - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / count));
  });

  it('leaks no tensor: the trainer owns and disposes every batch', async () => {
    await expectNoLeak(async () => {
      const data = dynamicBinarization(grey, {
        batchSize: 3,
        rng: Rng.fromSeed(2),
        firstEpoch: 5,
      });
      await passes(data, 2);
      // A pass abandoned part-way (training ends mid-epoch) holds nothing either.
      const it = data[Symbol.iterator]();
      it.next().value?.dispose();
    });
  });
});
