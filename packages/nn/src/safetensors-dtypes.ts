import type * as tf from '@tensorflow/tfjs-core';

/**
 * How one safetensors dtype reads into a tfjs dtype: byte size and a decoder of `count`
 * little-endian elements. Wider or foreign types (F64, F16, BF16, I64, …) widen or narrow to
 * float32 / int32, the only numeric dtypes tfjs has; integers outside int32 are refused.
 */
export interface SafetensorsDtype {
  bytes: number;
  tfDtype: 'float32' | 'int32' | 'bool';
  decode(view: DataView, count: number): Float32Array | Int32Array | Uint8Array | undefined;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Floats; `undefined` from `decode` when a finite value overflows float32 (F64). */
function floats(bytes: number, read: (view: DataView, at: number) => number): SafetensorsDtype {
  return {
    bytes,
    tfDtype: 'float32',
    decode: (view, count) => {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        const v = read(view, i * bytes);
        out[i] = v;
        if (Number.isFinite(v) && !Number.isFinite(out[i])) return undefined;
      }
      return out;
    },
  };
}

/** Integers; `undefined` from `decode` when a value does not fit int32. */
function ints(bytes: number, read: (view: DataView, at: number) => number): SafetensorsDtype {
  return {
    bytes,
    tfDtype: 'int32',
    decode: (view, count) => {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = read(view, i * bytes);
        if (v < -(2 ** 31) || v >= 2 ** 31) return undefined;
        out[i] = v;
      }
      return out;
    },
  };
}

export const SAFETENSORS_DTYPES: Readonly<Record<string, SafetensorsDtype>> = {
  F64: floats(8, (v, at) => v.getFloat64(at, true)),
  F32: floats(4, (v, at) => v.getFloat32(at, true)),
  F16: floats(2, (v, at) => halfToFloat(v.getUint16(at, true))),
  // bfloat16 is the upper half of a float32.
  BF16: floats(
    2,
    (v, at) => new Float32Array(new Uint32Array([v.getUint16(at, true) << 16]).buffer)[0]!,
  ),
  I64: ints(8, (v, at) => Number(v.getBigInt64(at, true))),
  U64: ints(8, (v, at) => Number(v.getBigUint64(at, true))),
  I32: ints(4, (v, at) => v.getInt32(at, true)),
  U32: ints(4, (v, at) => v.getUint32(at, true)),
  I16: ints(2, (v, at) => v.getInt16(at, true)),
  U16: ints(2, (v, at) => v.getUint16(at, true)),
  I8: ints(1, (v, at) => v.getInt8(at)),
  U8: ints(1, (v, at) => v.getUint8(at)),
  BOOL: {
    bytes: 1,
    tfDtype: 'bool',
    decode: (view, count) => {
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) {
        const v = view.getUint8(i);
        if (v > 1) return undefined;
        out[i] = v;
      }
      return out;
    },
  },
};

/** The safetensors dtype written for each tfjs dtype `toSafetensors` accepts. */
export const WRITTEN_DTYPES: Partial<Record<tf.DataType, 'F32' | 'I32' | 'BOOL'>> = {
  float32: 'F32',
  int32: 'I32',
  bool: 'BOOL',
};

/**
 * The reference writer's order (safetensors' `Dtype` enum order, descending, i.e. wider types
 * first, so every tensor stays aligned to its element size), then by name.
 */
export const DTYPE_RANK: Readonly<Record<'F32' | 'I32' | 'BOOL', number>> = {
  F32: 2,
  I32: 1,
  BOOL: 0,
};
