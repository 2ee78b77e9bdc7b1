import {
  crc32,
  FormatError,
  type NamedTensors,
  readFrame,
  verifyChecksum,
  writeFrame,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

// "GENC": a checkpoint, as opposed to @gen/nn's "GENW" weight files.
const MAGIC = [0x47, 0x45, 0x4e, 0x43] as const;
const DTYPES = ['float32', 'int32', 'bool'] as const;
const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

interface TensorSpec {
  name: string;
  shape: number[];
  dtype: (typeof DTYPES)[number];
}

/**
 * Packs a JSON header and named tensors into one byte array: magic `GENC` · uint32 0 · uint32
 * layout version 2 · uint32 n · uint32 CRC-32 of the preceding 16 bytes and of the JSON · n
 * bytes of UTF-8 JSON `{ header, tensors: specs, byteLength, crc32 }` (`crc32`: of the tensor
 * data) · the tensor data as `tf.io.encodeWeights` lays it out (unquantised, in order). Version
 * 1 (`GENC` · n · JSON · data, no checksums) is still read.
 */
export async function encodeCheckpoint(header: object, tensors: NamedTensors): Promise<Uint8Array> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  const bytes = new Uint8Array(data);
  return writeFrame(
    MAGIC,
    {
      header,
      tensors: specs.map(({ name, shape, dtype }) => ({ name, shape, dtype })),
      byteLength: data.byteLength,
      crc32: crc32(bytes),
    },
    bytes,
  );
}

function checkSpecs(fn: string, specs: unknown, byteLength: unknown): TensorSpec[] {
  if (!Array.isArray(specs)) throw new FormatError(`${fn}: the tensor list is missing`);
  let expected = 0;
  for (const spec of specs as TensorSpec[]) {
    const ok =
      spec !== null &&
      typeof spec === 'object' &&
      typeof spec.name === 'string' &&
      Array.isArray(spec.shape) &&
      spec.shape.every((d) => Number.isInteger(d) && d >= 0) &&
      DTYPES.includes(spec.dtype);
    if (!ok) throw new FormatError(`${fn}: invalid tensor entry ${JSON.stringify(spec)}`);
    expected += spec.shape.reduce((a, b) => a * b, 1) * BYTES[spec.dtype]!;
  }
  if (byteLength !== expected) {
    throw new FormatError(`${fn}: byteLength ${byteLength} does not match its tensors`);
  }
  return specs as TensorSpec[];
}

function assertFiniteTensors(fn: string, specs: TensorSpec[], data: ArrayBuffer): void {
  let offset = 0;
  for (const { name, shape, dtype } of specs) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (dtype === 'float32') {
      // A copy, because a bool tensor before this one can leave `offset` unaligned.
      const values = new Float32Array(data.slice(offset, offset + size * 4));
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) {
        throw new FormatError(`${fn}: tensor '${name}' holds ${values[bad]} at element ${bad}`);
      }
    }
    offset += size * BYTES[dtype]!;
  }
}

/** The JSON header of a checkpoint, parsed (and checksum-verified) without its tensors. */
export function decodeCheckpointHeader(bytes: Uint8Array, fn = 'decodeCheckpoint'): unknown {
  if (!(bytes instanceof Uint8Array)) throw new FormatError(`${fn}: expected a Uint8Array`);
  const { json } = readFrame(fn, '@gen/train checkpoint', MAGIC, bytes);
  return (json as { header?: unknown } | null)?.header;
}

/**
 * Unpacks {@link encodeCheckpoint}'s bytes; throws `FormatError` (prefixed with `fn`) for
 * anything truncated, padded, malformed or corrupted (a checksum mismatch), and for NaN or ±Inf
 * in a float32 tensor. The caller owns the tensors.
 */
export function decodeCheckpoint(
  bytes: Uint8Array,
  fn = 'decodeCheckpoint',
): { header: unknown; tensors: NamedTensors } {
  if (!(bytes instanceof Uint8Array)) throw new FormatError(`${fn}: expected a Uint8Array`);
  const { version, json, data } = readFrame(fn, '@gen/train checkpoint', MAGIC, bytes);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new FormatError(`${fn}: the header must be a JSON object`);
  }
  const parsed = json as {
    header?: unknown;
    tensors?: unknown;
    byteLength?: unknown;
    crc32?: unknown;
  };
  const specs = checkSpecs(fn, parsed.tensors, parsed.byteLength);
  if (data.byteLength !== parsed.byteLength) {
    throw new FormatError(
      `${fn}: tensor data has ${data.byteLength} bytes, expected ${parsed.byteLength}`,
    );
  }
  if (version === 2) verifyChecksum(fn, data, parsed.crc32);
  const buffer = data.buffer.slice(
    data.byteOffset,
    data.byteOffset + data.byteLength,
  ) as ArrayBuffer;
  assertFiniteTensors(fn, specs, buffer);
  return { header: parsed.header, tensors: tf.io.decodeWeights(buffer, specs) };
}
