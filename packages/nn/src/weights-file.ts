import { invalidArgument, type NamedTensors, readFrame, writeFrame } from '@gen/core';

import { decodeWeightsAs, encodeWeights } from './serialize.js';

// "GENW": identifies the container before any JSON is parsed.
const MAGIC = [0x47, 0x45, 0x4e, 0x57] as const;

/**
 * Packs named tensors into one self-describing byte array, the layout of `.genw` files written
 * by `saveWeights` from `@gen/nn/node` (integers little-endian):
 *
 * | bytes | content |
 * |---|---|
 * | 0–3 | magic `GENW` |
 * | 4–7 | 0 (uint32; marks this layout, where version 1 had the manifest's length) |
 * | 8–11 | layout version, 2 (uint32) |
 * | 12–15 | n, the manifest's length in bytes (uint32) |
 * | 16–19 | CRC-32 of bytes 0–15 and of the manifest (uint32) |
 * | 20 … 20+n−1 | the {@link WeightsManifest} as UTF-8 JSON, with the CRC-32 of the data |
 * | 20+n … | the weight data, exactly `manifest.byteLength` bytes |
 *
 * Both checksums are verified on read, so a corrupted byte anywhere is reported, not loaded.
 * Files of version 1 (`GENW` · n · manifest · data, no checksum) still read. Browser-safe: use
 * it to offer weights as a download or to store them in IndexedDB.
 *
 * ```ts
 * const bytes = await encodeWeightsFile(mlp.getWeights());
 * ```
 */
export async function encodeWeightsFile(weights: NamedTensors): Promise<Uint8Array> {
  const { manifest, data } = await encodeWeights(weights);
  return writeFrame(MAGIC, manifest, new Uint8Array(data));
}

/**
 * Unpacks bytes written by {@link encodeWeightsFile}. Throws `FormatError` for a missing magic
 * number, a header that points past the end, a checksum mismatch (a corrupted file), a manifest
 * that is not valid JSON, and everything `decodeWeights` rejects (NaN or ±Inf weights
 * included). The caller owns the tensors.
 */
export function decodeWeightsFile(bytes: Uint8Array | ArrayBuffer): NamedTensors {
  return decodeWeightsFileAs('decodeWeightsFile', bytes);
}

/** {@link decodeWeightsFile} reporting errors as `fn`'s. */
export function decodeWeightsFileAs(fn: string, bytes: Uint8Array | ArrayBuffer): NamedTensors {
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
    throw invalidArgument(fn, 'bytes', bytes, 'must be a Uint8Array or an ArrayBuffer');
  }
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const { json, data } = readFrame(fn, '@gen weights file', MAGIC, view);
  return decodeWeightsAs(fn, json, data);
}
