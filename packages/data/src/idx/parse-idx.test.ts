import { FormatError, InvalidArgumentError } from '@gen/core';
import { describe, expect, it } from 'vitest';
import { idxBytes } from '../../test/support.js';
import { parseIdx } from './parse-idx.js';

describe('parseIdx', () => {
  it('reads uint8 data as a view into the bytes, with the big-endian shape', () => {
    const bytes = idxBytes(0x08, [2, 3], [0, 1, 2, 253, 254, 255]);
    expect(Array.from(bytes.subarray(0, 12))).toEqual([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3]);
    const idx = parseIdx(bytes);
    expect(idx.dtype).toBe('uint8');
    expect(idx.shape).toEqual([2, 3]);
    expect(Array.from(idx.data)).toEqual([0, 1, 2, 253, 254, 255]);
    expect(idx.data.buffer).toBe(bytes.buffer);
    // An ArrayBuffer and a Uint8Array at an offset work too.
    expect(parseIdx(bytes.slice().buffer).shape).toEqual([2, 3]);
    const padded = new Uint8Array(bytes.length + 5);
    padded.set(bytes, 5);
    expect(Array.from(parseIdx(padded.subarray(5)).data)).toEqual([0, 1, 2, 253, 254, 255]);
  });

  it('reads every IDX element type, converting from big-endian', () => {
    const cases = [
      [0x09, 'int8', [-128, -1, 0, 127]],
      [0x0b, 'int16', [-32768, -2, 300, 32767]],
      [0x0c, 'int32', [-2147483648, -5, 70000, 2147483647]],
      [0x0d, 'float32', [-1.5, 0, 0.25, 3.0e38]],
      [0x0e, 'float64', [-1e300, Math.PI, 0, 1e-300]],
    ] as const;
    for (const [type, dtype, data] of cases) {
      const idx = parseIdx(idxBytes(type, [4], data));
      expect(idx.dtype).toBe(dtype);
      expect(idx.shape).toEqual([4]);
      expect(Array.from(idx.data)).toEqual(
        Array.from(data).map((v) => (dtype === 'float32' ? Math.fround(v) : v)),
      );
    }
  });

  it('throws FormatError for gzip bytes, a bad magic number, truncation and trailing bytes', () => {
    const good = idxBytes(0x08, [2, 2], [1, 2, 3, 4]);
    const withByte = (i: number, v: number) => {
      const b = good.slice();
      b[i] = v;
      return b;
    };
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), /gzip-compressed/],
      [withByte(0, 1), /parseIdx: bad magic number 0x01000802/],
      [withByte(2, 0x07), /bad magic number 0x00000702/],
      [withByte(3, 0), /bad magic number 0x00000800/],
      [good.subarray(0, 3), /too short for a header: 3 byte/],
      [good.subarray(0, 9), /truncated header: 2 dimensions need 12 bytes, got 9/],
      [good.subarray(0, 15), /truncated data: shape \[2, 2\] needs 4 bytes, got 3/],
      [new Uint8Array([...good, 9, 9]), /2 unexpected trailing byte\(s\)/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => parseIdx(bytes)).toThrow(FormatError);
      expect(() => parseIdx(bytes)).toThrow(message);
    }
  });

  it('rejects input that is not bytes', () => {
    expect(() => parseIdx('IDX' as never)).toThrow(InvalidArgumentError);
    expect(() => parseIdx([0, 0, 8, 1] as never)).toThrow(
      /parseIdx: argument 'bytes' must be a Uint8Array or ArrayBuffer, got \[0, 0, 8, 1\]/,
    );
  });
});
