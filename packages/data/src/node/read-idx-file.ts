import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FormatError, invalidArgument, isGenError } from '@gen/core';
import { type IdxArray, parseIdx } from '../idx/parse-idx.js';

/** Whether `bytes` start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads and parses one IDX file, gzip-compressed or not (told apart by the gzip magic bytes,
 * not by the name). A missing, corrupt or truncated file throws `FormatError` naming the path.
 *
 * ```ts
 * const labels = await readIdxFile('/data/t10k-labels-idx1-ubyte.gz'); // shape [10000]
 * ```
 */
export function readIdxFile(path: string): Promise<IdxArray> {
  return readIdx('readIdxFile', path);
}

/** {@link readIdxFile} reporting errors as `fn`'s. */
export async function readIdx(fn: string, path: string): Promise<IdxArray> {
  if (typeof path !== 'string' || path.length === 0) {
    throw invalidArgument(fn, 'path', path, 'must be a non-empty string');
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unknown error';
    throw new FormatError(`${fn}: cannot read IDX file '${path}' (${code})`, { cause: error });
  }
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new FormatError(`${fn}: '${path}' is corrupt or truncated gzip data`, {
        cause: error,
      });
    }
  }
  try {
    return parseIdx(bytes);
  } catch (error) {
    if (!isGenError(error, 'INVALID_FORMAT')) throw error;
    throw new FormatError(`${fn}: '${path}': ${error.message}`, { cause: error });
  }
}

/**
 * The path of `name` in `folder`, or of `name.gz` when only that exists; a `FormatError`
 * naming both candidates when neither does.
 */
export function findIdxFile(fn: string, folder: string, name: string, hint: string): string {
  const plain = join(folder, name);
  if (existsSync(plain)) return plain;
  if (existsSync(`${plain}.gz`)) return `${plain}.gz`;
  throw new FormatError(`${fn}: missing file '${plain}' (or '${plain}.gz')${hint}`);
}
