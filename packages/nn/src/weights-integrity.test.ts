import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, FormatError, InvalidArgumentError, initBackend } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { values } from '../test/support.js';
import { Dense } from './dense.js';
import { loadWeights, loadWeightsInto } from './node.js';
import { decodeWeights, encodeWeights } from './serialize.js';
import { decodeWeightsFile, encodeWeightsFile } from './weights-file.js';

const dir = mkdtempSync(join(tmpdir(), 'gen-nn-integrity-'));
beforeAll(() => initBackend('cpu'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 32 floats (128 bytes of data), so a 64-byte run fits inside the data.
async function file(fill?: number): Promise<Uint8Array> {
  const w = tf.tidy(() =>
    fill === undefined ? tf.reshape(tf.linspace(-1, 1, 32), [4, 8]) : tf.fill([4, 8], fill),
  );
  const b = tf.tensor1d([0.5, -0.25]);
  const out = await encodeWeightsFile({ w, b });
  tf.dispose([w, b]);
  return out;
}

const dataStart = (bytes: Uint8Array) =>
  20 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);

function flipped(bytes: Uint8Array, at: number, count = 1): Uint8Array {
  const out = bytes.slice();
  for (let i = at; i < at + count; i++) out[i] = out[i]! ^ 0xff;
  return out;
}

/** A file of the given JSON text and data, with a correct header checksum. */
function framed(text: string, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(20 + json.byteLength + data.byteLength);
  const view = new DataView(out.buffer);
  out.set([0x47, 0x45, 0x4e, 0x57]);
  view.setUint32(8, 2, true);
  view.setUint32(12, json.byteLength, true);
  out.set(json, 20);
  view.setUint32(16, crc32(json, crc32(out.subarray(0, 16))), true);
  out.set(data, 20 + json.byteLength);
  return out;
}

describe('weights file integrity', () => {
  it('detects every single flipped byte (each bit pattern 0xff and 0x01) with FormatError, leaking nothing', async () => {
    const good = await file();
    await expectNoLeak(() => {
      for (let at = 0; at < good.byteLength; at++) {
        for (const mask of [0xff, 0x01]) {
          const bad = good.slice();
          bad[at] = bad[at]! ^ mask;
          expect(() => decodeWeightsFile(bad), `byte ${at} ^ ${mask}`).toThrow(FormatError);
        }
      }
    });
  });

  it('detects 64 flipped bytes of tensor data and names the checksum', async () => {
    const good = await file();
    const start = dataStart(good);
    for (const at of [start, start + 1, good.byteLength - 64]) {
      expect(() => decodeWeightsFile(flipped(good, at, 64))).toThrow(
        /decodeWeightsFile: data checksum mismatch/,
      );
    }
    expect(() => decodeWeightsFile(flipped(good, 10))).toThrow(
      /decodeWeightsFile: unsupported layout version/,
    );
    expect(() => decodeWeightsFile(flipped(good, 25))).toThrow(/header checksum mismatch/);
  });

  it('detects truncation at every length', async () => {
    const good = await file();
    for (let n = 0; n < good.byteLength; n++) {
      expect(() => decodeWeightsFile(good.subarray(0, n)), `length ${n}`).toThrow(FormatError);
    }
  });

  it.each([
    ['NaN', Number.NaN],
    ['+Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('refuses %s weights in a well-formed file and in decodeWeights', async (label, bad) => {
    const bytes = await file(bad);
    expect(() => decodeWeightsFile(bytes)).toThrow(FormatError);
    expect(() => decodeWeightsFile(bytes)).toThrow(`weight 'w' holds ${label.replace('+', '')}`);
    const t = tf.fill([3], bad);
    const { manifest, data } = await encodeWeights({ t });
    expect(() => decodeWeights(manifest, data)).toThrow(/decodeWeights: weight 't' holds/);
    t.dispose();
  });

  it('refuses garbage JSON, a manifest without its checksum and one with a wrong checksum', async () => {
    const data = new Uint8Array(8);
    expect(() => decodeWeightsFile(framed('{"format": "gen-w', data))).toThrow(
      /not valid UTF-8 JSON/,
    );
    expect(() => decodeWeightsFile(framed('[1, 2]', data))).toThrow(/manifest.format/);
    const manifest = {
      format: 'gen-weights',
      version: 2,
      weights: [{ name: 'x', shape: [2], dtype: 'float32' }],
      byteLength: 8,
    };
    expect(() => decodeWeightsFile(framed(JSON.stringify(manifest), data))).toThrow(
      /data checksum is missing/,
    );
    const wrong = JSON.stringify({ ...manifest, crc32: crc32(data) ^ 1 });
    expect(() => decodeWeightsFile(framed(wrong, data))).toThrow(/data checksum mismatch/);
    const right = JSON.stringify({ ...manifest, crc32: crc32(data) });
    const ok = decodeWeightsFile(framed(right, data));
    expect(await values(ok.x!)).toEqual([0, 0]);
    tf.dispose(ok);
  });

  it('still reads version-1 files (no checksum)', async () => {
    const manifest = {
      format: 'gen-weights',
      version: 1,
      weights: [{ name: 'x', shape: [2], dtype: 'float32' }],
      byteLength: 8,
    };
    const json = new TextEncoder().encode(JSON.stringify(manifest));
    const bytes = new Uint8Array(8 + json.byteLength + 8);
    bytes.set([0x47, 0x45, 0x4e, 0x57]);
    new DataView(bytes.buffer).setUint32(4, json.byteLength, true);
    bytes.set(json, 8);
    new DataView(bytes.buffer).setFloat32(8 + json.byteLength, 1.5, true);
    const back = decodeWeightsFile(bytes);
    expect(await values(back.x!)).toEqual([1.5, 0]);
    tf.dispose(back);
  });

  it('names the file in loadWeights and loadWeightsInto errors', async () => {
    const dense = new Dense({ inputSize: 4, outputSize: 8, seed: 0 });
    const path = join(dir, 'corrupt.genw');
    const good = await encodeWeightsFile(dense.getWeights());
    writeFileSync(path, flipped(good, dataStart(good) + 3));
    await expect(loadWeights(path)).rejects.toThrow(FormatError);
    await expect(loadWeights(path)).rejects.toThrow(
      `loadWeights: file '${path}': data checksum mismatch`,
    );
    await expect(loadWeightsInto(dense, path)).rejects.toThrow(
      `loadWeightsInto: file '${path}': data checksum mismatch`,
    );
    writeFileSync(path, good.subarray(0, 30));
    await expect(loadWeights(path)).rejects.toThrow(`loadWeights: file '${path}': truncated`);
    await expect(loadWeights(42 as never)).rejects.toThrow(InvalidArgumentError);
    expect(() => decodeWeightsFile('GENW' as never)).toThrow(
      "decodeWeightsFile: argument 'bytes' must be a Uint8Array or an ArrayBuffer",
    );
    dense.dispose();
  });
});
