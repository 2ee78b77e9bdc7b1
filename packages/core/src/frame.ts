// The framing of @gen's binary containers (weight files of @gen/nn, checkpoints of @gen/train):
// one place that decides the layout and its checksums, so both formats detect corruption alike.
import { crc32 } from './crc32.js';
import { FormatError } from './errors.js';

// Bytes 4–7 of a version-1 file hold the JSON's length, which is never 0; a 0 there marks the
// versioned layout, so one reader tells the two apart before trusting anything else.
const V1_PREFIX = 8;
const PREFIX = 20;
const LAYOUT_VERSION = 2;

/** What {@link readFrame} found: the layout version, the parsed JSON and the bytes after it. */
export interface Frame {
  version: 1 | 2;
  json: unknown;
  data: Uint8Array;
}

/**
 * Lays out `magic` · uint32 0 · uint32 layout version (2) · uint32 n · uint32 CRC-32 of the 16
 * bytes before it and of the JSON · n bytes of UTF-8 JSON · `data` (all integers
 * little-endian). The checksum of `data` itself goes in the JSON, so the header CRC covers it.
 */
export function writeFrame(magic: readonly number[], json: unknown, data: Uint8Array): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(json));
  const out = new Uint8Array(PREFIX + text.byteLength + data.byteLength);
  const view = new DataView(out.buffer);
  out.set(magic, 0);
  view.setUint32(4, 0, true);
  view.setUint32(8, LAYOUT_VERSION, true);
  view.setUint32(12, text.byteLength, true);
  out.set(text, PREFIX);
  view.setUint32(16, crc32(text, crc32(out.subarray(0, 16))), true);
  out.set(data, PREFIX + text.byteLength);
  return out;
}

/**
 * Reads {@link writeFrame}'s layout, or the version-1 layout (`magic` · uint32 n · JSON · data,
 * no checksum). Throws `FormatError` prefixed with `fn` for a wrong magic number, a truncated
 * prefix or JSON, an unknown layout version, a header checksum mismatch or invalid JSON.
 * `what` names the container in messages ("@gen weights file").
 */
export function readFrame(
  fn: string,
  what: string,
  magic: readonly number[],
  bytes: Uint8Array,
): Frame {
  function fail(message: string, cause?: unknown): never {
    throw new FormatError(`${fn}: ${message}`, cause === undefined ? undefined : { cause });
  }
  const tag = String.fromCharCode(...magic);
  if (bytes.byteLength < V1_PREFIX || magic.some((b, i) => bytes[i] !== b)) {
    fail(`not a ${what} (no '${tag}' header)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const marker = view.getUint32(4, true);
  const version = marker === 0 ? 2 : 1;
  let start = V1_PREFIX;
  let length = marker;
  if (version === 2) {
    if (bytes.byteLength < PREFIX) fail('truncated header');
    const layout = view.getUint32(8, true);
    if (layout !== LAYOUT_VERSION) {
      fail(`unsupported layout version ${layout} (this reader knows 1 and 2)`);
    }
    start = PREFIX;
    length = view.getUint32(12, true);
  }
  if (start + length > bytes.byteLength) {
    fail(
      `truncated header: it announces ${length} bytes of JSON but only ${bytes.byteLength - start} follow`,
    );
  }
  const text = bytes.subarray(start, start + length);
  if (version === 2) {
    const stored = view.getUint32(16, true);
    const actual = crc32(text, crc32(bytes.subarray(0, 16)));
    if (stored !== actual) {
      fail(`header checksum mismatch (CRC-32 ${hex(actual)}, stored ${hex(stored)}): corrupted`);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(text));
  } catch (cause) {
    fail('the header is not valid UTF-8 JSON', cause);
  }
  return { version, json, data: bytes.subarray(start + length) };
}

/** Throws `FormatError` unless `data`'s CRC-32 is `expected`. */
export function verifyChecksum(fn: string, data: Uint8Array, expected: unknown): void {
  if (
    !Number.isInteger(expected) ||
    (expected as number) < 0 ||
    (expected as number) > 0xffffffff
  ) {
    throw new FormatError(
      `${fn}: the data checksum is missing or invalid, got ${String(expected)}`,
    );
  }
  const actual = crc32(data);
  if (actual !== expected) {
    throw new FormatError(
      `${fn}: data checksum mismatch (CRC-32 ${hex(actual)}, stored ${hex(expected as number)}): corrupted`,
    );
  }
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
