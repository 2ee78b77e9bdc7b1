import { FormatError, type NamedTensors } from '@gen/core';
import { decodeWeights, encodeWeights } from './serialize.js';

// "GENW": identifies the container before any JSON is parsed.
const MAGIC = [0x47, 0x45, 0x4e, 0x57] as const;
const HEADER_BYTES = 8;

/**
 * Packs named tensors into one self-describing byte array, the layout of `.genw` files written
 * by `saveWeights` from `@gen/nn/node`:
 *
 * | bytes | content |
 * |---|---|
 * | 0–3 | magic `GENW` |
 * | 4–7 | n, the manifest's length in bytes (uint32, little-endian) |
 * | 8 … 8+n−1 | the {@link WeightsManifest} as UTF-8 JSON |
 * | 8+n … | the weight data, exactly `manifest.byteLength` bytes |
 *
 * Browser-safe: use it to offer weights as a download or to store them in IndexedDB.
 *
 * ```ts
 * const bytes = await encodeWeightsFile(mlp.getWeights());
 * ```
 */
export async function encodeWeightsFile(weights: NamedTensors): Promise<Uint8Array> {
  const { manifest, data } = await encodeWeights(weights);
  const json = new TextEncoder().encode(JSON.stringify(manifest));
  const out = new Uint8Array(HEADER_BYTES + json.byteLength + data.byteLength);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, json.byteLength, true);
  out.set(json, HEADER_BYTES);
  out.set(new Uint8Array(data), HEADER_BYTES + json.byteLength);
  return out;
}

/**
 * Unpacks bytes written by {@link encodeWeightsFile}. Throws `FormatError` for a missing magic
 * number, a header that points past the end, a manifest that is not valid JSON, and everything
 * {@link decodeWeights} rejects. The caller owns the tensors.
 */
export function decodeWeightsFile(bytes: Uint8Array | ArrayBuffer): NamedTensors {
  const fn = 'decodeWeightsFile';
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (view.byteLength < HEADER_BYTES || MAGIC.some((b, i) => view[i] !== b)) {
    throw new FormatError(`${fn}: not a @gen weights file (no 'GENW' header)`);
  }
  const length = new DataView(view.buffer, view.byteOffset, view.byteLength).getUint32(4, true);
  if (HEADER_BYTES + length > view.byteLength) {
    throw new FormatError(
      `${fn}: truncated: the header announces a ${length}-byte manifest but only ` +
        `${view.byteLength - HEADER_BYTES} bytes follow`,
    );
  }
  let manifest: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(
      view.subarray(HEADER_BYTES, HEADER_BYTES + length),
    );
    manifest = JSON.parse(text);
  } catch (cause) {
    throw new FormatError(`${fn}: the manifest is not valid UTF-8 JSON`, { cause });
  }
  return decodeWeights(manifest, view.subarray(HEADER_BYTES + length));
}
