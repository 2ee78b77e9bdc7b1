import { crc32, FormatError, initBackend } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { values } from '../test/support.js';
import { decodeWeightsFile, encodeWeightsFile } from './weights-file.js';

beforeAll(() => initBackend('cpu'));

async function bytes() {
  const weights = { 'a/w': tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]), 'a/b': tf.tensor1d([-1, 0.5]) };
  const out = await encodeWeightsFile(weights);
  tf.dispose(weights);
  return out;
}

describe('encodeWeightsFile / decodeWeightsFile', () => {
  it('writes GENW, 0, layout 2, the manifest length and CRC, the JSON manifest and the data, and reads them back', async () => {
    const file = await bytes();
    expect(Array.from(file.subarray(0, 4))).toEqual([0x47, 0x45, 0x4e, 0x57]);
    const view = new DataView(file.buffer);
    expect([view.getUint32(4, true), view.getUint32(8, true)]).toEqual([0, 2]);
    const length = view.getUint32(12, true);
    const json = file.subarray(20, 20 + length);
    expect(view.getUint32(16, true)).toBe(crc32(json, crc32(file.subarray(0, 16))));
    const manifest = JSON.parse(new TextDecoder().decode(json));
    expect(manifest.format).toBe('gen-weights');
    expect(manifest.byteLength).toBe(32);
    expect(manifest.crc32).toBe(crc32(file.subarray(20 + length)));
    expect(file.byteLength).toBe(20 + length + 32);
    const decoded = decodeWeightsFile(file);
    expect(await values(decoded['a/w']!)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await values(decoded['a/b']!)).toEqual([-1, 0.5]);
    tf.dispose(decoded);
    const fromBuffer = decodeWeightsFile(file.slice().buffer);
    expect(Object.keys(fromBuffer)).toEqual(['a/w', 'a/b']);
    tf.dispose(fromBuffer);
  });

  it('rejects a missing header, a truncated manifest, bad JSON and truncated data', async () => {
    const file = await bytes();
    const length = new DataView(file.buffer).getUint32(12, true);
    expect(() => decodeWeightsFile(new Uint8Array([1, 2, 3]))).toThrow(FormatError);
    expect(() => decodeWeightsFile(new TextEncoder().encode('{"format":"gen-weights"}'))).toThrow(
      "decodeWeightsFile: not a @gen weights file (no 'GENW' header)",
    );
    expect(() => decodeWeightsFile(file.subarray(0, 20 + length - 1))).toThrow(
      `decodeWeightsFile: truncated header: it announces ${length} bytes of JSON but only ${length - 1} follow`,
    );
    const badJson = file.slice();
    badJson[20] = 0x7d; // '}' where '{' was
    expect(() => decodeWeightsFile(badJson)).toThrow('decodeWeightsFile: header checksum mismatch');
    expect(() => decodeWeightsFile(file.subarray(0, file.byteLength - 4))).toThrow(
      /decodeWeightsFile: data truncated: expected 32 bytes, got 28/,
    );
  });
});
