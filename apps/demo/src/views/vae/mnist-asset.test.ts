import { FormatError, InvalidArgumentError, initBackend } from '@gen/core';
import { loadMnist } from '@gen/data/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMnistAsset, mnistAssetPlugin } from '../../../scripts/mnist-asset-plugin.js';
import { decodeMnistAsset, encodeMnistAsset, MNIST_ASSETS } from './mnist-asset.js';

describe('MNIST asset', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('round-trips a hand-made asset exactly', () => {
    const images = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 37) % 256);
    const labels = Uint8Array.of(7, 0, 9);
    const bytes = encodeMnistAsset({ count: 3, rows: 2, cols: 4, images, labels });
    expect(bytes.length).toBe(16 + 3 + 24);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('GMN1');
    const back = decodeMnistAsset(bytes.buffer as ArrayBuffer);
    expect([back.count, back.rows, back.cols]).toEqual([3, 2, 4]);
    expect(Array.from(back.labels)).toEqual([7, 0, 9]);
    expect(Array.from(back.images)).toEqual(Array.from(images));
  });

  it('matches loadMnist (the @gen/data IDX loader) on the first test and train images', async () => {
    for (const split of ['test', 'train'] as const) {
      const n = 200;
      const asset = decodeMnistAsset(await buildMnistAsset(split, n));
      expect([asset.count, asset.rows, asset.cols]).toEqual([n, 28, 28]);
      const oracle = await loadMnist({ split, limit: n });
      const grey = await oracle.images.data();
      const labels = await oracle.labels.data();
      oracle.images.dispose();
      oracle.labels.dispose();
      expect(Array.from(asset.labels)).toEqual(Array.from(labels));
      let maxDiff = 0;
      for (let i = 0; i < grey.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(asset.images[i]! / 255 - grey[i]!));
      }
      expect(maxDiff).toBeLessThan(1e-6);
    }
  });

  it('has the sizes the view expects (10 000 train, 1 000 test images)', async () => {
    const test = await buildMnistAsset('test', MNIST_ASSETS.test.count);
    expect(test.length).toBe(16 + 1000 + 1000 * 784);
    expect(MNIST_ASSETS.train.count).toBe(10_000);
    expect(MNIST_ASSETS.train.path).toBe('mnist/train-10k.bin');
  });

  it('rejects malformed bytes and arguments with typed errors naming the function', async () => {
    expect(() => decodeMnistAsset(new Uint8Array(8))).toThrow(FormatError);
    const good = encodeMnistAsset({
      count: 1,
      rows: 1,
      cols: 2,
      images: Uint8Array.of(1, 2),
      labels: Uint8Array.of(3),
    });
    expect(() => decodeMnistAsset(good.subarray(0, good.length - 1))).toThrow(
      /decodeMnistAsset: 1 images of 1×2 need 19 bytes, got 18/,
    );
    expect(() =>
      encodeMnistAsset({ count: 2, rows: 1, cols: 2, images: Uint8Array.of(1), labels: good }),
    ).toThrow(InvalidArgumentError);
    await expect(buildMnistAsset('test', 0)).rejects.toThrow(/buildMnistAsset: 'count'/);
    await expect(buildMnistAsset('test', 10, '/nonexistent')).rejects.toThrow(/ENOENT/);
  });

  it('emits both assets at their fixed paths from generateBundle', async () => {
    const plugin = mnistAssetPlugin();
    const emitted: { fileName: string; size: number }[] = [];
    const context = {
      emitFile(file: { fileName: string; source: Uint8Array }) {
        emitted.push({ fileName: file.fileName, size: file.source.length });
        return file.fileName;
      },
    };
    const hook = plugin.generateBundle as unknown as (this: typeof context) => Promise<void>;
    await hook.call(context);
    expect(emitted).toEqual([
      { fileName: 'mnist/train-10k.bin', size: 16 + 10_000 * 785 },
      { fileName: 'mnist/test-1k.bin', size: 16 + 1_000 * 785 },
    ]);
  });
});
