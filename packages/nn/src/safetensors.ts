import { FormatError, formatValue, invalidArgument, type NamedTensors } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { topLevelKeys } from './json-keys.js';
import { DTYPE_RANK, SAFETENSORS_DTYPES, WRITTEN_DTYPES } from './safetensors-dtypes.js';

/** String metadata of a safetensors file (its `__metadata__`). */
export type SafetensorsMetadata = Record<string, string>;

/** Largest header the reference implementation reads (100 MB). */
const MAX_HEADER = 100_000_000;
const METADATA_KEY = '__metadata__';

/**
 * Writes named tensors (e.g. a model's `getWeights()`) in the safetensors layout that PyTorch,
 * JAX, NumPy and the Hugging Face tools read:
 *
 * | bytes | content |
 * |---|---|
 * | 0–7 | N, the header's length (uint64, little-endian) |
 * | 8 … 8+N−1 | UTF-8 JSON `{"__metadata__": {…}, "<name>": {"dtype", "shape", "data_offsets": [begin, end]}, …}`, padded with spaces so the data starts at a multiple of 8 |
 * | 8+N … | the tensors' raw little-endian bytes, back to back |
 *
 * Tensors are laid out as the reference writer lays them out: float32 (`F32`) first, then int32
 * (`I32`), then bool (`BOOL`, one byte each), by name within a dtype. `metadata` values must be
 * strings (the format's rule); `@gen` models put their architecture in `gen.config` (see
 * `modelToSafetensors`). The tensors stay owned by the caller; their values are read
 * synchronously. Throws `InvalidArgumentError` for a disposed or non-tensor value, a dtype other
 * than float32/int32/bool, an empty name or the reserved name `__metadata__`, or a metadata value
 * that is not a string.
 *
 * ```ts
 * const bytes = toSafetensors(mlp.getWeights(), { note: 'trained on ring8' });
 * ```
 */
export function toSafetensors(weights: NamedTensors, metadata?: SafetensorsMetadata): Uint8Array {
  const fn = 'toSafetensors';
  if (weights === null || typeof weights !== 'object' || Array.isArray(weights)) {
    throw invalidArgument(fn, 'weights', weights, 'must be an object of named tensors');
  }
  const entries = Object.entries(weights).map(([name, t]) => {
    if (name === '' || name === METADATA_KEY) {
      throw invalidArgument(fn, 'weights', name, `must not hold the name '${name}'`);
    }
    const dtype = t instanceof tf.Tensor ? WRITTEN_DTYPES[t.dtype] : undefined;
    if (!(t instanceof tf.Tensor) || t.isDisposed || dtype === undefined) {
      throw invalidArgument(
        fn,
        `weights['${name}']`,
        t,
        'must be a live float32, int32 or bool tensor',
      );
    }
    return { name, t, dtype };
  });
  if (metadata !== undefined) checkMetadata(fn, metadata);
  entries.sort((a, b) => DTYPE_RANK[b.dtype] - DTYPE_RANK[a.dtype] || (a.name < b.name ? -1 : 1));
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    header[METADATA_KEY] = Object.fromEntries(
      Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  }
  let offset = 0;
  const chunks = entries.map(({ name, t, dtype }) => {
    const values = t.dataSync();
    // tfjs keeps bool as one byte per element, matching safetensors' BOOL.
    const bytes =
      dtype === 'BOOL'
        ? Uint8Array.from(values as ArrayLike<number>)
        : new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes.byteLength] };
    offset += bytes.byteLength;
    return bytes;
  });
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const withSpaces = new Uint8Array(padded).fill(0x20);
    withSpaces.set(json);
    json = withSpaces;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

function checkMetadata(fn: string, metadata: unknown): asserts metadata is SafetensorsMetadata {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw invalidArgument(fn, 'metadata', metadata, 'must be an object of strings');
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw invalidArgument(
        fn,
        `metadata['${key}']`,
        value,
        'must be a string (safetensors metadata holds strings only)',
      );
    }
  }
}

/**
 * Reads the safetensors layout (see {@link toSafetensors}) written by @gen, PyTorch, the
 * `safetensors` Python package or any other writer: F32, I32 and BOOL tensors read exactly;
 * F64, F16 and BF16 read as float32, and 8- to 64-bit integers as int32 (a value outside float32
 * or int32 is refused, not rounded to ±Inf or wrapped). The caller owns the tensors.
 *
 * Throws `FormatError` naming `fromSafetensors` and what is wrong for a header length past the
 * end of the bytes, a header that is not a JSON object, an unknown dtype, a shape that is not a
 * list of integers >= 0, data offsets that overlap, leave gaps, run past the data or disagree
 * with the shape, a duplicated tensor name, metadata that is not an object of strings, or a
 * BOOL byte other than 0 and 1.
 *
 * ```ts
 * const { weights, metadata } = fromSafetensors(await readFile('model.safetensors'));
 * ```
 */
export function fromSafetensors(bytes: Uint8Array | ArrayBuffer): {
  weights: NamedTensors;
  metadata: SafetensorsMetadata;
} {
  return fromSafetensorsAs('fromSafetensors', bytes);
}

/** {@link fromSafetensors} reporting errors as `fn`'s (`loadModel`). */
export function fromSafetensorsAs(
  fn: string,
  bytes: Uint8Array | ArrayBuffer,
): { weights: NamedTensors; metadata: SafetensorsMetadata } {
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
    throw invalidArgument(fn, 'bytes', bytes, 'must be a Uint8Array or an ArrayBuffer');
  }
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const fail = (message: string): never => {
    throw new FormatError(`${fn}: ${message}`);
  };
  if (view.byteLength < 8)
    fail(`expected at least 8 bytes (the header length), got ${view.byteLength}`);
  const n = new DataView(view.buffer, view.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(Math.min(MAX_HEADER, view.byteLength - 8))) {
    fail(
      `header length ${n} runs past the end of the ${view.byteLength} bytes (or over ${MAX_HEADER})`,
    );
  }
  const headerEnd = 8 + Number(n);
  let text: string;
  let header: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(view.subarray(8, headerEnd));
    header = JSON.parse(text);
  } catch (cause) {
    throw new FormatError(`${fn}: the header is not UTF-8 JSON`, { cause });
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    fail(`the header must be a JSON object, got ${formatValue(header)}`);
  }
  const keys = topLevelKeys(text);
  const duplicate = keys.find((k, i) => keys.indexOf(k) !== i);
  if (duplicate !== undefined) fail(`the header names '${duplicate}' twice`);
  const { [METADATA_KEY]: rawMetadata = {}, ...infos } = header as Record<string, unknown>;
  if (rawMetadata === null || typeof rawMetadata !== 'object' || Array.isArray(rawMetadata)) {
    fail(`__metadata__ must be an object of strings, got ${formatValue(rawMetadata)}`);
  }
  for (const [key, value] of Object.entries(rawMetadata as object)) {
    if (typeof value !== 'string')
      fail(`__metadata__['${key}'] must be a string, got ${formatValue(value)}`);
  }
  const dataLength = view.byteLength - headerEnd;
  const entries = Object.entries(infos).map(([name, info]) => readInfo(fail, name, info));
  entries.sort((a, b) => a.begin - b.begin);
  let expected = 0;
  for (const e of entries) {
    if (e.begin !== expected) {
      fail(
        `tensor '${e.name}' starts at data offset ${e.begin}, expected ${expected} (tensors must be contiguous and must not overlap)`,
      );
    }
    expected = e.end;
  }
  if (expected !== dataLength) {
    fail(`the tensors cover ${expected} bytes of data but the file holds ${dataLength}`);
  }
  const weights: NamedTensors = {};
  try {
    for (const e of entries) {
      const start = view.byteOffset + headerEnd + e.begin;
      const values = e.type.decode(new DataView(view.buffer, start, e.end - e.begin), e.size);
      if (values === undefined) {
        fail(`tensor '${e.name}' (${e.dtype}) holds a value that does not fit ${e.type.tfDtype}`);
      }
      weights[e.name] = tf.tensor(values as Float32Array, e.shape, e.type.tfDtype);
    }
  } catch (error) {
    tf.dispose(weights);
    throw error;
  }
  return { weights, metadata: { ...(rawMetadata as SafetensorsMetadata) } };
}

function readInfo(fail: (message: string) => never, name: string, info: unknown) {
  const where = `tensor '${name}'`;
  if (info === null || typeof info !== 'object' || Array.isArray(info)) {
    fail(`${where} must be described by an object, got ${formatValue(info)}`);
  }
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  const type =
    typeof dtype === 'string' && Object.hasOwn(SAFETENSORS_DTYPES, dtype)
      ? SAFETENSORS_DTYPES[dtype]!
      : fail(
          `${where} has unknown dtype ${formatValue(dtype)} (this reader knows ${Object.keys(SAFETENSORS_DTYPES).join(', ')})`,
        );
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(`${where} has shape ${formatValue(shape)}; expected a list of integers >= 0`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[1] < offsets[0]
  ) {
    fail(
      `${where} has data_offsets ${formatValue(offsets)}; expected [begin, end] with 0 <= begin <= end`,
    );
  }
  const [begin, end] = offsets as [number, number];
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (size * type.bytes !== end - begin) {
    fail(
      `${where} has shape [${shape.join(', ')}] of ${dtype} (${size * type.bytes} bytes) but data_offsets span ${end - begin} bytes`,
    );
  }
  return { name, dtype: dtype as string, type, shape: shape as number[], size, begin, end };
}
