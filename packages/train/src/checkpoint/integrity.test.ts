import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, FormatError, InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GaussianModel, weightsOf } from '../../test/models.js';
import { fit } from '../fit.js';
import { fileCheckpointStore } from '../node.js';
import { decodeCheckpoint, encodeCheckpoint } from './format.js';
import { readCheckpoint } from './read-checkpoint.js';
import { memoryCheckpointStore } from './store.js';

const work = mkdtempSync(join(tmpdir(), 'gen-train-integrity-'));
beforeAll(() => initBackend('cpu'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const data = () => Rng.fromSeed(1).normal([40, 8]);
const options = { steps: 4, batchSize: 10, rng: Rng.fromSeed(2) };

/** A real checkpoint of step 4 (8-dim Gaussian + Adam: 192 bytes of tensor data). */
async function checkpoint(): Promise<Uint8Array> {
  const x = data();
  const model = new GaussianModel(8);
  const store = memoryCheckpointStore();
  await fit(model, x, { ...options, rng: Rng.fromSeed(2), checkpoint: { store, every: 4 } });
  tf.dispose(x);
  model.dispose();
  return (await store.load())!;
}

const jsonLength = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getUint32(12, true);
const dataStart = (b: Uint8Array) => 20 + jsonLength(b);

function flipped(bytes: Uint8Array, at: number, count = 1): Uint8Array {
  const out = bytes.slice();
  for (let i = at; i < at + count; i++) out[i] = out[i]! ^ 0xff;
  return out;
}

/** The same checkpoint in the version-1 layout (no checksums). */
function asVersion1(bytes: Uint8Array): Uint8Array {
  const text = bytes.subarray(20, dataStart(bytes));
  const json = JSON.parse(new TextDecoder().decode(text));
  delete json.crc32;
  delete json.header.runId;
  const v1 = new TextEncoder().encode(JSON.stringify(json));
  const tensors = bytes.subarray(dataStart(bytes));
  const out = new Uint8Array(8 + v1.byteLength + tensors.byteLength);
  out.set(bytes.subarray(0, 4));
  new DataView(out.buffer).setUint32(4, v1.byteLength, true);
  out.set(v1, 8);
  out.set(tensors, 8 + v1.byteLength);
  return out;
}

/** A checkpoint frame of `text` and `tensorData` with a correct header checksum. */
function framed(text: string, tensorData: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(20 + json.byteLength + tensorData.byteLength);
  const view = new DataView(out.buffer);
  out.set([0x47, 0x45, 0x4e, 0x43]);
  view.setUint32(8, 2, true);
  view.setUint32(12, json.byteLength, true);
  out.set(json, 20);
  view.setUint32(16, crc32(json, crc32(out.subarray(0, 16))), true);
  out.set(tensorData, 20 + json.byteLength);
  return out;
}

async function storeWith(bytes: Uint8Array) {
  const store = memoryCheckpointStore();
  await store.save(4, bytes);
  return store;
}

describe('checkpoint integrity', () => {
  it('detects every single flipped byte (0xff and 0x01) through readCheckpoint, leaking nothing', async () => {
    const good = await checkpoint();
    expect(good.byteLength - dataStart(good)).toBeGreaterThanOrEqual(128);
    await expectNoLeak(async () => {
      for (let at = 0; at < good.byteLength; at++) {
        for (const mask of [0xff, 0x01]) {
          const bad = good.slice();
          bad[at] = bad[at]! ^ mask;
          const store = await storeWith(bad);
          await expect(readCheckpoint(store), `byte ${at} ^ ${mask}`).rejects.toThrow(FormatError);
        }
      }
    });
  });

  it('detects 64 flipped bytes of tensor data, and truncation at every length', async () => {
    const good = await checkpoint();
    const start = dataStart(good);
    for (const at of [start, start + 5, good.byteLength - 64]) {
      await expect(readCheckpoint(await storeWith(flipped(good, at, 64)))).rejects.toThrow(
        /readCheckpoint: data checksum mismatch/,
      );
    }
    for (let n = 0; n < good.byteLength; n++) {
      await expect(readCheckpoint(await storeWith(good.subarray(0, n)))).rejects.toThrow(
        FormatError,
      );
    }
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])(
    'refuses %s weights in a well-formed checkpoint, on read and on resume',
    async (label, bad) => {
      const good = decodeCheckpoint(await checkpoint());
      const mean = good.tensors['model/mean']!;
      good.tensors['model/mean'] = tf.fill([8], bad);
      mean.dispose();
      const poisoned = await encodeCheckpoint(good.header as object, good.tensors);
      tf.dispose(good.tensors);
      await expect(readCheckpoint(await storeWith(poisoned))).rejects.toThrow(
        `readCheckpoint: tensor 'model/mean' holds ${label} at element 0`,
      );
      const x = data();
      const model = new GaussianModel(8);
      const resume = await storeWith(poisoned);
      await expect(fit(model, x, { ...options, steps: 8, resume })).rejects.toThrow(FormatError);
      expect((await weightsOf(model)).mean).toEqual(new Array(8).fill(0));
      tf.dispose(x);
      model.dispose();
    },
  );

  it('refuses garbage JSON, a header that is not an object, and a missing data checksum', async () => {
    const tensors = new Uint8Array(4);
    const cases: [string, RegExp][] = [
      ['{"header": {"format": "gen-tr', /not valid UTF-8 JSON/],
      ['"a string"', /the header must be a JSON object/],
      ['{"header": {}, "tensors": [], "byteLength": 4}', /byteLength 4 does not match/],
      [
        '{"header": {}, "tensors": [{"name": "t", "shape": [1], "dtype": "float32"}], "byteLength": 4}',
        /data checksum is missing/,
      ],
    ];
    for (const [text, message] of cases) {
      await expect(readCheckpoint(await storeWith(framed(text, tensors)))).rejects.toThrow(message);
    }
  });

  it('still reads and resumes version-1 checkpoints (no checksums, no run id)', async () => {
    const v1 = asVersion1(await checkpoint());
    const read = await readCheckpoint(await storeWith(v1));
    expect(read.step).toBe(4);
    expect(read.runId).toBeUndefined();
    tf.dispose(read.weights);
    const x = data();
    const model = new GaussianModel(8);
    const store = await storeWith(v1);
    const result = await fit(model, x, {
      ...options,
      steps: 6,
      resume: store,
      checkpoint: { store, every: 2 },
    });
    expect(result.step).toBe(6);
    // The resumed run continues the old one, which had no run id, in the same store.
    expect(await store.list()).toEqual([4, 6]);
    const latest = await readCheckpoint(store);
    expect(latest.runId).toBeUndefined();
    tf.dispose(latest.weights);
    tf.dispose(x);
    model.dispose();
  });

  it('names the file in readCheckpoint(dir) and resume: dir errors', async () => {
    const dir = join(work, 'corrupt');
    const good = await checkpoint();
    const store = fileCheckpointStore(dir);
    await store.save(4, flipped(good, dataStart(good) + 7));
    const file = join(dir, 'ckpt-000000000004.genc');
    await expect(readCheckpoint(dir)).rejects.toThrow(FormatError);
    await expect(readCheckpoint(dir)).rejects.toThrow(
      `readCheckpoint: checkpoint '${file}': data checksum mismatch`,
    );
    await expect(readCheckpoint(dir, 4)).rejects.toThrow(`checkpoint '${file}'`);
    const x = data();
    const model = new GaussianModel(8);
    await expect(fit(model, x, { ...options, steps: 8, resume: dir })).rejects.toThrow(
      `fit: checkpoint '${file}': data checksum mismatch`,
    );
    writeFileSync(file, 'not a checkpoint at all');
    await expect(fit(model, x, { ...options, steps: 8, resume: dir })).rejects.toThrow(
      `fit: checkpoint '${file}': not a @gen/train checkpoint (no 'GENC' header)`,
    );
    await expect(readCheckpoint(dir, -1)).rejects.toThrow(InvalidArgumentError);
    tf.dispose(x);
    model.dispose();
  });
});
