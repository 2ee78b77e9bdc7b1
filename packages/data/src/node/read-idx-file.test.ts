import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FormatError, InvalidArgumentError } from '@gen/core';
import { afterAll, describe, expect, it } from 'vitest';
import { idxBytes } from '../../test/support.js';
import { isGzip, readIdxFile } from './read-idx-file.js';

const dir = mkdtempSync(join(tmpdir(), 'gen-data-idx-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('readIdxFile', () => {
  const bytes = idxBytes(0x08, [2, 2], [1, 2, 3, 4]);

  it('reads plain and gzipped files alike, telling them apart by the magic bytes', async () => {
    writeFileSync(join(dir, 'plain'), bytes);
    writeFileSync(join(dir, 'packed'), gzipSync(bytes));
    writeFileSync(join(dir, 'misnamed.gz'), bytes);
    for (const name of ['plain', 'packed', 'misnamed.gz']) {
      const idx = await readIdxFile(join(dir, name));
      expect(idx.shape, name).toEqual([2, 2]);
      expect(Array.from(idx.data), name).toEqual([1, 2, 3, 4]);
    }
    expect(isGzip(gzipSync(bytes))).toBe(true);
    expect(isGzip(bytes)).toBe(false);
  });

  it('throws FormatError naming the path for a missing, corrupt or malformed file', async () => {
    const missing = join(dir, 'nope');
    await expect(readIdxFile(missing)).rejects.toThrow(FormatError);
    await expect(readIdxFile(missing)).rejects.toThrow(
      `readIdxFile: cannot read IDX file '${missing}' (ENOENT)`,
    );
    const cut = join(dir, 'cut.gz');
    writeFileSync(cut, gzipSync(bytes).subarray(0, 15));
    await expect(readIdxFile(cut)).rejects.toThrow(
      `readIdxFile: '${cut}' is corrupt or truncated gzip data`,
    );
    const bad = join(dir, 'bad');
    writeFileSync(bad, Uint8Array.from([1, 2, 3, 4, 5]));
    await expect(readIdxFile(bad)).rejects.toThrow(
      `readIdxFile: '${bad}': parseIdx: bad magic number 0x01020304`,
    );
  });

  it('rejects a path that is not a string', async () => {
    await expect(readIdxFile(3 as never)).rejects.toThrow(InvalidArgumentError);
    await expect(readIdxFile('')).rejects.toThrow(
      /readIdxFile: argument 'path' must be a non-empty string, got ""/,
    );
  });
});
