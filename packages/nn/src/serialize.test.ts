import { crc32, FormatError, InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { values } from '../test/support.js';
import { Mlp } from './mlp.js';
import { decodeWeights, encodeWeights, type WeightsManifest } from './serialize.js';

beforeAll(() => initBackend('cpu'));

function sample() {
  return {
    'net/flags': tf.tensor1d([true, false, true], 'bool'),
    'net/kernel': tf.tensor2d([1.5, -2, 3.25, 0], [2, 2]),
    'net/count': tf.scalar(7, 'int32'),
    'net/empty': tf.zeros([0, 3]),
  };
}

async function encoded() {
  const weights = sample();
  const result = await encodeWeights(weights);
  tf.dispose(weights);
  return result;
}

describe('encodeWeights / decodeWeights', () => {
  it('round-trips float32, int32 and bool tensors, in order, with a versioned manifest', async () => {
    const { manifest, data } = await encoded();
    expect(manifest).toEqual({
      format: 'gen-weights',
      version: 2,
      crc32: crc32(new Uint8Array(data)),
      weights: [
        { name: 'net/flags', shape: [3], dtype: 'bool' },
        { name: 'net/kernel', shape: [2, 2], dtype: 'float32' },
        { name: 'net/count', shape: [], dtype: 'int32' },
        { name: 'net/empty', shape: [0, 3], dtype: 'float32' },
      ],
      byteLength: 3 + 16 + 4,
    });
    expect(data.byteLength).toBe(23);
    const decoded = decodeWeights(JSON.parse(JSON.stringify(manifest)), new Uint8Array(data));
    expect(Object.keys(decoded)).toEqual(manifest.weights.map((w) => w.name));
    expect(await values(decoded['net/flags']!)).toEqual([1, 0, 1]);
    expect(decoded['net/flags']!.dtype).toBe('bool');
    expect(await values(decoded['net/kernel']!)).toEqual([1.5, -2, 3.25, 0]);
    expect(decoded['net/count']!.dtype).toBe('int32');
    expect(await values(decoded['net/count']!)).toEqual([7]);
    expect(decoded['net/empty']!.shape).toEqual([0, 3]);
    tf.dispose(decoded);
  });

  it('moves a module to another instance with different initial weights', async () => {
    const a = new Mlp({ inputSize: 3, hiddenSizes: [5], outputSize: 2, seed: 1 });
    const b = new Mlp({ inputSize: 3, hiddenSizes: [5], outputSize: 2, seed: 2 });
    const weights = a.getWeights();
    const { manifest, data } = await encodeWeights(weights);
    tf.dispose(weights);
    const decoded = decodeWeights(manifest, data);
    b.setWeights(decoded);
    tf.dispose(decoded);
    const x = Rng.fromSeed(3).normal([4, 3]);
    const [ya, yb] = [a.apply(x), b.apply(x)];
    expect(await values(yb)).toEqual(await values(ya));
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
  });

  it('leaks nothing: encoding keeps nothing, decoded tensors belong to the caller', async () => {
    const { manifest, data } = await encoded();
    await expectNoLeak(async () => {
      const weights = sample();
      await encodeWeights(weights);
      tf.dispose(weights);
    });
    await expectNoLeak(() => decodeWeights(manifest, data));
  });

  const corrupt: [string, (m: WeightsManifest) => unknown, RegExp][] = [
    [
      'another format',
      (m) => ({ ...m, format: 'tfjs' }),
      /manifest.format must be 'gen-weights', got "tfjs"/,
    ],
    [
      'a newer version',
      (m) => ({ ...m, version: 3 }),
      /unsupported manifest.version 3 \(this reader knows 1 and 2\)/,
    ],
    ['no weights array', (m) => ({ ...m, weights: {} }), /manifest.weights must be an array/],
    ['a non-object', () => 'gen-weights', /manifest must be an object, got "gen-weights"/],
    [
      'a duplicate name',
      (m) => ({ ...m, weights: [m.weights[1], { ...m.weights[1], dtype: 'bool' }] }),
      /manifest.weights\[1\].name must be a unique non-empty string, got "net\/kernel"/,
    ],
    [
      'a bad shape',
      (m) => ({ ...m, weights: [{ ...m.weights[0], shape: [1.5] }] }),
      /manifest.weights\[0\].shape must be an array of integers >= 0, got \[1.5\]/,
    ],
    [
      'an unknown dtype',
      (m) => ({ ...m, weights: [{ ...m.weights[0], dtype: 'float16' }] }),
      /manifest.weights\[0\].dtype must be float32, int32 or bool, got "float16"/,
    ],
    [
      'an inconsistent byteLength',
      (m) => ({ ...m, byteLength: 24 }),
      /manifest.byteLength is 24 but its weights need 23 bytes/,
    ],
  ];

  for (const [what, edit, message] of corrupt) {
    it(`rejects a manifest with ${what} with a FormatError saying so`, async () => {
      const { manifest, data } = await encoded();
      const bad = edit(manifest);
      expect(() => decodeWeights(bad, data)).toThrow(FormatError);
      expect(() => decodeWeights(bad, data)).toThrow(message);
    });
  }

  it('rejects truncated data, trailing bytes, edited data and NaN weights with a FormatError', async () => {
    const { manifest, data } = await encoded();
    expect(() => decodeWeights(manifest, data.slice(0, 20))).toThrow(
      'decodeWeights: data truncated: expected 23 bytes, got 20',
    );
    const longer = new Uint8Array(24);
    longer.set(new Uint8Array(data));
    expect(() => decodeWeights(manifest, longer)).toThrow(
      /data has trailing bytes: expected 23 bytes, got 24/,
    );
    const withNan = new Uint8Array(data.slice(0));
    new DataView(withNan.buffer).setFloat32(3 + 8, Number.NaN, true);
    expect(() => decodeWeights(manifest, withNan)).toThrow(FormatError);
    expect(() => decodeWeights(manifest, withNan)).toThrow(/decodeWeights: data checksum mismatch/);
    // A version-1 manifest has no checksum to catch the edit, so the value check must.
    const v1 = { ...manifest, version: 1, crc32: undefined };
    expect(() => decodeWeights(v1, withNan)).toThrow("weight 'net/kernel' holds NaN at element 2");
  });

  it('encodeWeights rejects what it cannot store, naming the weight', async () => {
    const text = tf.tensor1d(['a'], 'string');
    const gone = tf.zeros([1]);
    gone.dispose();
    await expect(encodeWeights({ text })).rejects.toThrow(InvalidArgumentError);
    await expect(encodeWeights({ text })).rejects.toThrow(
      /encodeWeights: argument 'weights\['text'\]' must be a live float32, int32 or bool tensor, got a string tensor/,
    );
    await expect(encodeWeights({ gone })).rejects.toThrow(/got a disposed tensor/);
    await expect(encodeWeights(null as never)).rejects.toThrow(/argument 'weights'/);
    text.dispose();
  });
});
