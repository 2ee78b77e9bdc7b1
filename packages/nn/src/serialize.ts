import {
  crc32,
  FormatError,
  formatValue,
  invalidArgument,
  type NamedTensors,
  verifyChecksum,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** Data types a weights file can hold. */
export type WeightDtype = 'float32' | 'int32' | 'bool';

/** One tensor in a weights file; its bytes follow the previous entry's. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: WeightDtype;
}

/**
 * Describes the binary part of a weights file: entries in order, each stored little-endian and
 * unquantised (float32 and int32 in 4 bytes, bool in 1), with no padding, so `byteLength` =
 * Σ size·bytesPerElement. Version 2 (written since checksums were added) also holds `crc32`,
 * the CRC-32 of the data, verified on read; version 1 (older files, no checksum) still reads.
 */
export interface WeightsManifest {
  format: 'gen-weights';
  version: 1 | 2;
  weights: WeightSpec[];
  byteLength: number;
  /** CRC-32 (zlib's) of the data; present from version 2. */
  crc32?: number;
}

const BYTES: Record<WeightDtype, number> = { float32: 4, int32: 4, bool: 1 };

/**
 * Encodes named tensors into a manifest and one buffer (through `tf.io.encodeWeights`). The
 * tensors stay owned by the caller. Browser-safe; see `@gen/nn/node` for files.
 *
 * ```ts
 * const { manifest, data } = await encodeWeights(mlp.getWeights());
 * ```
 */
export async function encodeWeights(
  weights: NamedTensors,
): Promise<{ manifest: WeightsManifest; data: ArrayBuffer }> {
  const fn = 'encodeWeights';
  if (weights === null || typeof weights !== 'object') {
    throw invalidArgument(fn, 'weights', weights, 'must be an object of named tensors');
  }
  for (const [name, t] of Object.entries(weights)) {
    if (!(t instanceof tf.Tensor) || t.isDisposed || !(t.dtype in BYTES)) {
      throw invalidArgument(
        fn,
        `weights['${name}']`,
        t,
        'must be a live float32, int32 or bool tensor',
      );
    }
  }
  const { data, specs } = await tf.io.encodeWeights(weights);
  const manifest: WeightsManifest = {
    format: 'gen-weights',
    version: 2,
    weights: specs.map(({ name, shape, dtype }) => ({ name, shape, dtype: dtype as WeightDtype })),
    byteLength: data.byteLength,
    crc32: crc32(new Uint8Array(data)),
  };
  return { manifest, data };
}

function checkManifest(fn: string, manifest: unknown): WeightsManifest {
  function fail(message: string): never {
    throw new FormatError(`${fn}: ${message}`);
  }
  if (manifest === null || typeof manifest !== 'object') {
    fail(`manifest must be an object, got ${formatValue(manifest)}`);
  }
  const m = manifest as Record<string, unknown>;
  if (m.format !== 'gen-weights') {
    fail(`manifest.format must be 'gen-weights', got ${formatValue(m.format)}`);
  }
  if (m.version !== 1 && m.version !== 2) {
    fail(`unsupported manifest.version ${formatValue(m.version)} (this reader knows 1 and 2)`);
  }
  if (!Array.isArray(m.weights))
    fail(`manifest.weights must be an array, got ${formatValue(m.weights)}`);
  const names = new Set<string>();
  let expected = 0;
  m.weights.forEach((entry: unknown, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    if (typeof e.name !== 'string' || e.name.length === 0 || names.has(e.name)) {
      fail(
        `manifest.weights[${i}].name must be a unique non-empty string, got ${formatValue(e.name)}`,
      );
    }
    names.add(e.name);
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      fail(
        `manifest.weights[${i}].shape must be an array of integers >= 0, got ${formatValue(shape)}`,
      );
    }
    if (typeof e.dtype !== 'string' || !Object.hasOwn(BYTES, e.dtype)) {
      fail(
        `manifest.weights[${i}].dtype must be float32, int32 or bool, got ${formatValue(e.dtype)}`,
      );
    }
    expected += shape.reduce((a: number, b: number) => a * b, 1) * BYTES[e.dtype as WeightDtype];
  });
  if (m.byteLength !== expected) {
    fail(
      `manifest.byteLength is ${formatValue(m.byteLength)} but its weights need ${expected} bytes`,
    );
  }
  return m as unknown as WeightsManifest;
}

/**
 * Decodes weights written by {@link encodeWeights}. Throws `FormatError` saying what is wrong
 * for an unknown format or version, an inconsistent manifest, data of the wrong length
 * (truncated or with trailing bytes), data whose CRC-32 differs from the manifest's (version 2:
 * any corruption) or a NaN or ±Inf in a float32 weight. The caller owns the tensors.
 *
 * ```ts
 * const weights = decodeWeights(manifest, data);
 * mlp.setWeights(weights);
 * tf.dispose(weights);
 * ```
 */
export function decodeWeights(manifest: unknown, data: ArrayBuffer | Uint8Array): NamedTensors {
  return decodeWeightsAs('decodeWeights', manifest, data);
}

/** {@link decodeWeights} reporting errors as `fn`'s (`decodeWeightsFile`, `loadWeights`). */
export function decodeWeightsAs(
  fn: string,
  manifest: unknown,
  data: ArrayBuffer | Uint8Array,
): NamedTensors {
  function fail(message: string): never {
    throw new FormatError(`${fn}: ${message}`);
  }
  const checked = checkManifest(fn, manifest);
  const buffer =
    data instanceof Uint8Array
      ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)
      : data;
  if (!(buffer instanceof ArrayBuffer)) {
    fail(`argument 'data' must be an ArrayBuffer or Uint8Array, got ${formatValue(data)}`);
  }
  if (buffer.byteLength !== checked.byteLength) {
    const what = buffer.byteLength < checked.byteLength ? 'truncated' : 'has trailing bytes';
    fail(`data ${what}: expected ${checked.byteLength} bytes, got ${buffer.byteLength}`);
  }
  if (checked.version === 2) verifyChecksum(fn, new Uint8Array(buffer), checked.crc32);
  let offset = 0;
  for (const { name, shape, dtype } of checked.weights) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (dtype === 'float32') {
      // A copy, because a bool weight before this one can leave `offset` unaligned.
      const values = new Float32Array(buffer.slice(offset, offset + size * 4));
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) fail(`weight '${name}' holds ${values[bad]} at element ${bad}`);
    }
    offset += size * BYTES[dtype];
  }
  return tf.io.decodeWeights(buffer, checked.weights);
}
