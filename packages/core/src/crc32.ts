// CRC-32 as zip, PNG and zlib use it (reflected polynomial 0xEDB88320, initial and final
// value 0xFFFFFFFF). Written here rather than taken from a package because checkpoints and
// weight files are verified synchronously in browsers and in Node 20, where `zlib.crc32` does
// not exist yet (Node 22.2+), and the packaged implementations are CommonJS-only.
let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table !== undefined) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/**
 * The CRC-32 of `bytes` as an unsigned 32-bit integer, equal to Python's `zlib.crc32` and to
 * the checksum in zip and PNG files. Pass the previous result as `crc` to continue over several
 * chunks. Used to detect corrupted checkpoints and weight files (it is not a cryptographic hash).
 *
 * ```ts
 * crc32(new TextEncoder().encode('123456789')); // 0xcbf43926
 * ```
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const t = crcTable();
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
