import { FormatError, InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { idxBytes, tinyMnist, values } from '../../test/support.js';
import { bernoulliBinarize } from '../binarize.js';
import { parseIdx } from '../idx/parse-idx.js';
import { mnistFromIdx } from './mnist-from-idx.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('mnistFromIdx', () => {
  it('flattens uint8 images to [n, pixels] float32 byte/255 and labels to int32', async () => {
    const { images, labels } = tinyMnist(4);
    const data = await mnistFromIdx(images, labels);
    expect(data.images.shape).toEqual([4, 6]);
    expect(data.labels.dtype).toBe('int32');
    expect(await values(data.labels)).toEqual([0, 1, 2, 3]);
    const expected = Array.from({ length: 24 }, (_, i) => Math.fround(((i * 37) % 256) / 255));
    expect(await values(data.images)).toEqual(expected);
    expect('binarize' in data).toBe(false);
    tf.dispose([data.images, data.labels]);
  });

  it('accepts parseIdx results and keeps the first `limit` examples', async () => {
    const { images, labels } = tinyMnist(5);
    const data = await mnistFromIdx(parseIdx(images), parseIdx(labels), { limit: 2 });
    expect(data.images.shape).toEqual([2, 6]);
    expect(await values(data.labels)).toEqual([0, 1]);
    const all = await mnistFromIdx(images, labels, { limit: 50 });
    expect(all.images.shape).toEqual([5, 6]);
    tf.dispose([data.images, data.labels, all.images, all.labels]);
  });

  it("binarises 'static' reproducibly, the same for every limit (across chunks)", async () => {
    // 9000 rows cross the 8192-row chunk boundary of the uniform draws.
    const n = 9000;
    const grey = Array.from({ length: n * 3 }, (_, i) => (i * 97) % 256);
    const images = idxBytes(0x08, [n, 1, 3], grey);
    const labels = idxBytes(0x08, [n], Array(n).fill(1));
    const a = await mnistFromIdx(images, labels, { binarize: 'static' });
    const b = await mnistFromIdx(images, labels, { binarize: 'static', limit: 8500 });
    const c = await mnistFromIdx(images, labels, { binarize: 'static', seed: 7 });
    const va = await values(a.images);
    expect(va.every((v) => v === 0 || v === 1)).toBe(true);
    expect(await values(b.images)).toEqual(va.slice(0, 8500 * 3));
    expect(await values(c.images)).not.toEqual(va);
    // E[ones] = Σ p, Var = Σ p(1 − p): within 4 SE.
    const p = grey.map((g) => g / 255);
    const mean = p.reduce((s, q) => s + q, 0);
    const sd = Math.sqrt(p.reduce((s, q) => s + q * (1 - q), 0));
    const ones = va.reduce((s, v) => s + v, 0);
    expect(Math.abs(ones - mean)).toBeLessThan(4 * sd);
    // Pixels of grey level 0 and 255 are certain.
    grey.forEach((g, i) => {
      if (g === 0) expect(va[i]).toBe(0);
      if (g === 255) expect(va[i]).toBe(1);
    });
    const d = await mnistFromIdx(images, labels, { binarize: 'static', rng: Rng.fromSeed(7) });
    expect(await values(d.images)).toEqual(await values(c.images));
    tf.dispose([a, b, c, d].flatMap((x) => [x.images, x.labels]));
  });

  it("returns grey images and the resampler for 'dynamic'", async () => {
    const { images, labels } = tinyMnist(3);
    const data = await mnistFromIdx(images, labels, { binarize: 'dynamic' });
    expect(data.binarize).toBe(bernoulliBinarize);
    expect((await values(data.images)).some((v) => v > 0 && v < 1)).toBe(true);
    tf.dispose([data.images, data.labels]);
  });

  it('leaks nothing beyond what it returns', async () => {
    const { images, labels } = tinyMnist(3);
    await expectNoLeak(() => mnistFromIdx(images, labels, { binarize: 'static' }));
  });

  it('throws FormatError for a count mismatch or the wrong element types', async () => {
    const { images } = tinyMnist(4);
    const three = idxBytes(0x08, [3], [1, 2, 3]);
    await expect(mnistFromIdx(images, three)).rejects.toThrow(FormatError);
    await expect(mnistFromIdx(images, three)).rejects.toThrow(
      /mnistFromIdx: count mismatch: argument 'images' holds 4 images but argument 'labels' holds 3 labels/,
    );
    const floats = idxBytes(0x0d, [4, 6], Array(24).fill(0.5));
    await expect(mnistFromIdx(floats, tinyMnist(4).labels)).rejects.toThrow(
      /must hold uint8 images .* got float32 \[4, 6\]/,
    );
    await expect(mnistFromIdx(images, idxBytes(0x08, [4, 1], [1, 2, 3, 4]))).rejects.toThrow(
      /must hold uint8 labels \[n\], got uint8 \[4, 1\]/,
    );
    await expect(mnistFromIdx(images.subarray(0, 20), three)).rejects.toThrow(
      /parseIdx: truncated data/,
    );
  });

  it('rejects bad options with InvalidArgumentError', async () => {
    const { images, labels } = tinyMnist(2);
    const cases: [object, RegExp][] = [
      [
        { binarize: 'always' },
        /argument 'binarize' must be one of 'static', 'dynamic', got "always"/,
      ],
      [{ binarize: true }, /argument 'binarize' .* got true/],
      [{ limit: 0 }, /argument 'limit' must be an integer >= 1, got 0/],
      [{ seed: 3 }, /'rng' and 'seed' only apply to binarize: 'static', got binarize false/],
      [{ binarize: 'dynamic', rng: Rng.fromSeed(1) }, /only apply to binarize: 'static'/],
      [{ split: 'train' }, /mnistFromIdx: unknown option 'split'/],
    ];
    for (const [options, message] of cases) {
      await expect(mnistFromIdx(images, labels, options as never)).rejects.toThrow(
        InvalidArgumentError,
      );
      await expect(mnistFromIdx(images, labels, options as never)).rejects.toThrow(message);
    }
    await expect(mnistFromIdx('x' as never, labels)).rejects.toThrow(
      /argument 'images' must be IDX bytes/,
    );
  });
});
