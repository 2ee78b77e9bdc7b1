import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FormatError, InvalidArgumentError, initBackend } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../test/support.js';
import { loadCsv } from './load-csv-file.js';

const dir = mkdtempSync(join(tmpdir(), 'gen-data-csv-'));

beforeAll(async () => {
  await initBackend('cpu');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('loadCsv (@gen/data/node)', () => {
  it('reads a file by path or file URL', async () => {
    const path = join(dir, 'points.csv');
    writeFileSync(path, 'x,y,label\n1,2,a\n3,4,b\n');
    const byPath = loadCsv(path, { header: true, columns: ['x', 'y'] });
    const byUrl = loadCsv(pathToFileURL(path), { header: true, columns: [1] });
    expect(await rows(byPath.x)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(byUrl.columns).toEqual(['y']);
    tf.dispose([byPath.x, byUrl.x]);
  });

  it('treats a string with a line break as CSV text', async () => {
    const { x } = loadCsv('5,6\n');
    expect(await rows(x)).toEqual([[5, 6]]);
    x.dispose();
  });

  it('names the file in errors: missing file, bad value', () => {
    const missing = join(dir, 'missing.csv');
    expect(() => loadCsv(missing)).toThrow(FormatError);
    expect(() => loadCsv(missing)).toThrow(`loadCsv: cannot read CSV file '${missing}' (ENOENT)`);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, '1,2\n3,?\n');
    expect(() => loadCsv(bad)).toThrow(
      `loadCsv: file '${bad}': row 2 (line 2), column index 1 holds "?"`,
    );
    expect(() => loadCsv(3 as never)).toThrow(InvalidArgumentError);
    expect(() => loadCsv('')).toThrow(
      /argument 'textOrPath' must be CSV text, a file path or a URL, got ""/,
    );
  });
});
