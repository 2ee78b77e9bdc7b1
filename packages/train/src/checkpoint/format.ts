import { FormatError, type NamedTensors } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

// "GENC": a checkpoint, as opposed to @gen/nn's "GENW" weight files.
const MAGIC = [0x47, 0x45, 0x4e, 0x43] as const;
const HEADER_BYTES = 8;
const DTYPES = ['float32', 'int32', 'bool'] as const;
const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

interface TensorSpec {
  name: string;
  shape: number[];
  dtype: (typeof DTYPES)[number];
}

/**
 * Packs a JSON header and named tensors into one byte array:
 * magic `GENC` · uint32 n (little-endian) · n bytes of UTF-8 JSON `{ header, tensors: specs,
 * byteLength }` · the tensor data as `tf.io.encodeWeights` lays it out (unquantised, in order).
 */
export async function encodeCheckpoint(header: object, tensors: NamedTensors): Promise<Uint8Array> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  const json = new TextEncoder().encode(
    JSON.stringify({
      header,
      tensors: specs.map(({ name, shape, dtype }) => ({ name, shape, dtype })),
      byteLength: data.byteLength,
    }),
  );
  const out = new Uint8Array(HEADER_BYTES + json.byteLength + data.byteLength);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, json.byteLength, true);
  out.set(json, HEADER_BYTES);
  out.set(new Uint8Array(data), HEADER_BYTES + json.byteLength);
  return out;
}

function fail(message: string): never {
  throw new FormatError(`decodeCheckpoint: ${message}`);
}

function checkSpecs(specs: unknown, byteLength: unknown): TensorSpec[] {
  if (!Array.isArray(specs)) fail('the tensor list is missing');
  let expected = 0;
  for (const spec of specs as TensorSpec[]) {
    const ok =
      spec !== null &&
      typeof spec === 'object' &&
      typeof spec.name === 'string' &&
      Array.isArray(spec.shape) &&
      spec.shape.every((d) => Number.isInteger(d) && d >= 0) &&
      DTYPES.includes(spec.dtype);
    if (!ok) fail(`invalid tensor entry ${JSON.stringify(spec)}`);
    expected += spec.shape.reduce((a, b) => a * b, 1) * BYTES[spec.dtype]!;
  }
  if (byteLength !== expected) fail(`byteLength ${byteLength} does not match its tensors`);
  return specs as TensorSpec[];
}

/**
 * Unpacks {@link encodeCheckpoint}'s bytes; throws `FormatError` for anything truncated, padded
 * or malformed. The caller owns the tensors.
 */
export function decodeCheckpoint(bytes: Uint8Array): { header: unknown; tensors: NamedTensors } {
  if (!(bytes instanceof Uint8Array)) fail('expected a Uint8Array');
  if (bytes.byteLength < HEADER_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) {
    fail("not a @gen/train checkpoint (no 'GENC' header)");
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (HEADER_BYTES + length > bytes.byteLength) fail('truncated header');
  let parsed: { header?: unknown; tensors?: unknown; byteLength?: unknown };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(
      bytes.subarray(HEADER_BYTES, HEADER_BYTES + length),
    );
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new FormatError('decodeCheckpoint: the header is not valid UTF-8 JSON', { cause });
  }
  const specs = checkSpecs(parsed.tensors, parsed.byteLength);
  const start = bytes.byteOffset + HEADER_BYTES + length;
  const data = bytes.buffer.slice(start, bytes.byteOffset + bytes.byteLength);
  if (data.byteLength !== parsed.byteLength) {
    fail(`tensor data has ${data.byteLength} bytes, expected ${parsed.byteLength}`);
  }
  return { header: parsed.header, tensors: tf.io.decodeWeights(data as ArrayBuffer, specs) };
}
