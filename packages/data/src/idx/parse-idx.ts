import { FormatError, invalidArgument } from '@gen/core';

/** Element types of the IDX format (type byte 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E). */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** A parsed IDX array: row-major `data` of `shape`. */
export interface IdxArray {
  dtype: IdxDtype;
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { dtype: IdxDtype; size: number }> = {
  8: { dtype: 'uint8', size: 1 },
  9: { dtype: 'int8', size: 1 },
  11: { dtype: 'int16', size: 2 },
  12: { dtype: 'int32', size: 4 },
  13: { dtype: 'float32', size: 4 },
  14: { dtype: 'float64', size: 8 },
};

function fail(message: string): never {
  throw new FormatError(`parseIdx: ${message}`);
}

/** Big-endian values of one multi-byte type, read into a native typed array. */
function readBigEndian(view: DataView, offset: number, count: number, dtype: IdxDtype) {
  switch (dtype) {
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i);
      return out;
    }
    default: {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i);
      return out;
    }
  }
}

/**
 * Parses an uncompressed IDX file (the MNIST format: magic `00 00 <type> <rank>`, then `rank`
 * big-endian uint32 dimensions, then the data, big-endian). Browser-safe; uint8 and int8 data
 * are views into `bytes`, not copies. Gzipped bytes, a bad magic number, a truncated file or
 * trailing bytes throw `FormatError`. In Node, `readIdxFile` from `@gen/data/node` also
 * decompresses `.gz` files.
 *
 * ```ts
 * const { shape, data } = parseIdx(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 * // shape [10000, 28, 28], data: Uint8Array
 * ```
 */
export function parseIdx(bytes: Uint8Array | ArrayBuffer): IdxArray {
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
    throw invalidArgument('parseIdx', 'bytes', bytes, 'must be a Uint8Array or ArrayBuffer');
  }
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (u8.length >= 2 && u8[0] === 0x1f && u8[1] === 0x8b) {
    fail('the bytes are gzip-compressed; decompress them first (readIdxFile does)');
  }
  if (u8.length < 4) fail(`file too short for a header: ${u8.length} byte(s)`);
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const magic = view.getUint32(0);
  const type = TYPES[u8[2]!];
  if (u8[0] !== 0 || u8[1] !== 0 || type === undefined || u8[3] === 0) {
    fail(`bad magic number 0x${magic.toString(16).padStart(8, '0')} (expected 0x0000TTRR)`);
  }
  const rank = u8[3]!;
  const headerLength = 4 + 4 * rank;
  if (u8.length < headerLength) {
    fail(`truncated header: ${rank} dimensions need ${headerLength} bytes, got ${u8.length}`);
  }
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * type.size;
  const actual = u8.length - headerLength;
  if (actual < expected) {
    fail(`truncated data: shape [${shape.join(', ')}] needs ${expected} bytes, got ${actual}`);
  }
  if (actual > expected) {
    fail(`${actual - expected} unexpected trailing byte(s) after shape [${shape.join(', ')}]`);
  }
  const { dtype } = type;
  const start = u8.byteOffset + headerLength;
  if (dtype === 'uint8') return { dtype, shape, data: new Uint8Array(u8.buffer, start, count) };
  if (dtype === 'int8') return { dtype, shape, data: new Int8Array(u8.buffer, start, count) };
  return { dtype, shape, data: readBigEndian(view, headerLength, count, dtype) };
}
