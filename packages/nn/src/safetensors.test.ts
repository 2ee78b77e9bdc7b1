import { FormatError, InvalidArgumentError, initBackend } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fromSafetensors, toSafetensors } from './safetensors.js';

beforeAll(() => initBackend('cpu'));

const live: tf.Tensor[] = [];
afterEach(() => {
  tf.dispose(live.splice(0));
});
const keep = <T extends tf.Tensor>(t: T): T => {
  live.push(t);
  return t;
};

function headerOf(bytes: Uint8Array): { n: number; text: string } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { n, text: new TextDecoder().decode(bytes.subarray(8, 8 + n)) };
}

/** A file from a header object and raw data, the way a hand-made or hostile writer would. */
function file(header: unknown, data: number[] = [], rawHeader?: string): Uint8Array {
  const json = new TextEncoder().encode(rawHeader ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('toSafetensors', () => {
  it('lays out the header and data as the reference writer does', () => {
    const bytes = toSafetensors(
      {
        'b/mask': keep(tf.tensor1d([true, false, true], 'bool')),
        'z/kernel': keep(tf.tensor2d([1.5, -2, 3, 0.25], [2, 2])),
        'a/count': keep(tf.tensor1d([7], 'int32')),
        'a/bias': keep(tf.tensor1d([-0.5])),
      },
      { zeta: 'last', alpha: 'first' },
    );
    const { n, text } = headerOf(bytes);
    expect(n % 8).toBe(0);
    expect(text.trimEnd()).toBe(
      '{"__metadata__":{"alpha":"first","zeta":"last"},' +
        '"a/bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},' +
        '"z/kernel":{"dtype":"F32","shape":[2,2],"data_offsets":[4,20]},' +
        '"a/count":{"dtype":"I32","shape":[1],"data_offsets":[20,24]},' +
        '"b/mask":{"dtype":"BOOL","shape":[3],"data_offsets":[24,27]}}',
    );
    expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true);
    const data = new DataView(bytes.buffer, bytes.byteOffset + 8 + n);
    expect(data.getFloat32(0, true)).toBe(-0.5);
    expect([4, 8, 12, 16].map((at) => data.getFloat32(at, true))).toEqual([1.5, -2, 3, 0.25]);
    expect(data.getInt32(20, true)).toBe(7);
    expect([24, 25, 26].map((at) => data.getUint8(at))).toEqual([1, 0, 1]);
    expect(bytes.byteLength).toBe(8 + n + 27);
  });

  it('round-trips every value bit for bit, scalars and empty tensors included', async () => {
    const values = Float32Array.from([Math.PI, -0, 1e-45, 3.4e38, -1.17549435e-38, 0.1]);
    const weights = {
      w: keep(tf.tensor(values, [2, 3])),
      s: keep(tf.scalar(2.5)),
      e: keep(tf.zeros([0, 4])),
      i: keep(tf.tensor1d([-(2 ** 31), 2 ** 31 - 1, 0], 'int32')),
      m: keep(tf.tensor2d([[true], [false]], [2, 1], 'bool')),
    };
    const { weights: back, metadata } = fromSafetensors(toSafetensors(weights));
    try {
      expect(metadata).toEqual({});
      expect(new Uint8Array((await back.w!.data()).buffer)).toEqual(new Uint8Array(values.buffer));
      expect(Object.is((await back.w!.data())[1], -0)).toBe(true);
      for (const [name, t] of Object.entries(weights)) {
        expect([back[name]!.dtype, back[name]!.shape]).toEqual([t.dtype, t.shape]);
        expect(await back[name]!.array()).toEqual(await t.array());
      }
    } finally {
      tf.dispose(back);
    }
  });

  it('refuses disposed tensors, foreign values, reserved or empty names and non-string metadata', () => {
    const gone = tf.scalar(1);
    gone.dispose();
    const ok = keep(tf.scalar(1));
    expect(() => toSafetensors({ a: gone })).toThrow(
      /^toSafetensors: argument 'weights\['a'\]' must be a live float32, int32 or bool tensor/,
    );
    expect(() => toSafetensors({ a: [1, 2] as unknown as tf.Tensor })).toThrow(
      InvalidArgumentError,
    );
    expect(() => toSafetensors({ c: keep(tf.complex([1], [2])) })).toThrow(/weights\['c'\]/);
    expect(() => toSafetensors({ __metadata__: ok })).toThrow(/__metadata__/);
    expect(() => toSafetensors({ '': ok })).toThrow(InvalidArgumentError);
    expect(() => toSafetensors({ a: ok }, { epochs: 3 as unknown as string })).toThrow(
      /^toSafetensors: argument 'metadata\['epochs'\]' must be a string/,
    );
    expect(() => toSafetensors(null as never)).toThrow(/argument 'weights'/);
  });
});

describe('fromSafetensors', () => {
  const f32 = (...xs: number[]) => [...new Uint8Array(Float32Array.from(xs).buffer)];

  it('reads the wider and narrower types other writers use', async () => {
    const f64 = [...new Uint8Array(Float64Array.from([0.5, -2]).buffer)];
    const i64 = [...new Uint8Array(BigInt64Array.from([-3n, 4n]).buffer)];
    // 1.0 and -2.0 as IEEE half and as bfloat16.
    const half = [0x00, 0x3c, 0x00, 0xc0];
    const bf16 = [0x80, 0x3f, 0x00, 0xc0];
    const { weights } = fromSafetensors(
      file(
        {
          d: { dtype: 'F64', shape: [2], data_offsets: [0, 16] },
          l: { dtype: 'I64', shape: [2], data_offsets: [16, 32] },
          h: { dtype: 'F16', shape: [2], data_offsets: [32, 36] },
          b: { dtype: 'BF16', shape: [2], data_offsets: [36, 40] },
          u: { dtype: 'U8', shape: [1], data_offsets: [40, 41] },
        },
        [...f64, ...i64, ...half, ...bf16, 200],
      ),
    );
    try {
      expect(await weights.d!.array()).toEqual([0.5, -2]);
      expect([weights.l!.dtype, await weights.l!.array()]).toEqual(['int32', [-3, 4]]);
      expect(await weights.h!.array()).toEqual([1, -2]);
      expect(await weights.b!.array()).toEqual([1, -2]);
      expect(await weights.u!.array()).toEqual([200]);
    } finally {
      tf.dispose(weights);
    }
  });

  it('accepts an ArrayBuffer and a Uint8Array that is a view into a larger buffer', async () => {
    const bytes = toSafetensors({ a: keep(tf.tensor1d([1, 2, 3])) });
    const shifted = new Uint8Array(bytes.byteLength + 3);
    shifted.set(bytes, 3);
    for (const input of [bytes.slice().buffer, shifted.subarray(3)]) {
      const { weights } = fromSafetensors(input);
      expect(await weights.a!.array()).toEqual([1, 2, 3]);
      tf.dispose(weights);
    }
  });

  const malformed: [string, Uint8Array, RegExp][] = [
    ['fewer than 8 bytes', new Uint8Array(5), /at least 8 bytes/],
    [
      'a header length beyond the file',
      (() => {
        const b = file({}, []);
        new DataView(b.buffer).setBigUint64(0, 1000n, true);
        return b;
      })(),
      /header length 1000 runs past the end/,
    ],
    ['a header that is not JSON', file(null, [], '{"a":'), /not UTF-8 JSON/],
    ['a header that is not an object', file([1, 2]), /must be a JSON object/],
    [
      'an unknown dtype',
      file({ a: { dtype: 'F8_E4M3X', shape: [1], data_offsets: [0, 1] } }, [0]),
      /tensor 'a' has unknown dtype "F8_E4M3X"/,
    ],
    [
      'a shape that does not match its offsets',
      file({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(1, 2)),
      /tensor 'a' has shape \[3\] of F32 \(12 bytes\) but data_offsets span 8 bytes/,
    ],
    [
      'a negative dimension',
      file({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32(1)),
      /shape \[-1\]/,
    ],
    [
      'offsets past the data',
      file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(1)),
      /cover 8 bytes of data but the file holds 4/,
    ],
    [
      'overlapping offsets',
      file(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
        },
        f32(1, 2),
      ),
      /tensor 'b' starts at data offset 4, expected 8/,
    ],
    [
      'a gap between tensors',
      file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(1, 2)),
      /tensor 'a' starts at data offset 4, expected 0/,
    ],
    [
      'reversed offsets',
      file({ a: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, f32(1)),
      /data_offsets \[4, 0\]/,
    ],
    [
      'trailing bytes after the data',
      file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(1, 2)),
      /cover 4 bytes of data but the file holds 8/,
    ],
    [
      'a duplicated name',
      file(
        null,
        [...f32(1), ...f32(2)],
        '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
      ),
      /names 'a' twice/,
    ],
    [
      'non-string metadata',
      file({ __metadata__: { epochs: 3 } }),
      /__metadata__\['epochs'\] must be a string, got 3/,
    ],
    [
      'metadata that is not an object',
      file({ __metadata__: 'x' }),
      /__metadata__ must be an object/,
    ],
    [
      'a tensor described by a non-object',
      file({ a: [0, 4] }, f32(1)),
      /tensor 'a' must be described by an object/,
    ],
    [
      'an int64 outside int32',
      file({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, [
        ...new Uint8Array(BigInt64Array.from([2n ** 40n]).buffer),
      ]),
      /tensor 'a' \(I64\) holds a value that does not fit int32/,
    ],
    [
      'a float64 beyond the float32 range',
      file({ a: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, [
        ...new Uint8Array(Float64Array.from([1e300]).buffer),
      ]),
      /tensor 'a' \(F64\) holds a value that does not fit float32/,
    ],
    [
      'a BOOL byte other than 0 and 1',
      file({ a: { dtype: 'BOOL', shape: [1], data_offsets: [0, 1] } }, [2]),
      /does not fit bool/,
    ],
  ];

  it.each(malformed)(
    'refuses %s with a FormatError naming fromSafetensors',
    async (_, bytes, message) => {
      await expectNoLeak(() => {
        let error: unknown;
        try {
          fromSafetensors(bytes);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(FormatError);
        expect((error as Error).message).toMatch(/^fromSafetensors: /);
        expect((error as Error).message).toMatch(message);
      });
    },
  );

  it('refuses a non-byte argument with an InvalidArgumentError', () => {
    expect(() => fromSafetensors('model.safetensors' as never)).toThrow(
      /^fromSafetensors: argument 'bytes' must be a Uint8Array or an ArrayBuffer/,
    );
  });

  it("leaks nothing: writing keeps the caller's tensors, reading returns only the weights", async () => {
    const weights = { a: keep(tf.randomNormal([3, 4])), b: keep(tf.tensor1d([1, 2], 'int32')) };
    await expectNoLeak(() => {
      const bytes = toSafetensors(weights);
      return fromSafetensors(bytes).weights;
    });
    expect(weights.a.isDisposed).toBe(false);
  });
});
