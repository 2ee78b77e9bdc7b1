import { FormatError, InvalidArgumentError, initBackend } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../test/support.js';
import { loadCsv } from './load-csv.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const IRIS = `sepal_length,sepal_width,species
5.1,3.5,setosa
4.9, 3.0 ,setosa

7.0,3.2,versicolor
`;

describe('loadCsv', () => {
  it('parses numbers into a [rows, columns] float32 tensor', async () => {
    const { x, columns } = loadCsv('1,2.5,-3\n4e-2,+5,.5\n');
    expect(x.dtype).toBe('float32');
    expect(await rows(x)).toEqual([
      [1, 2.5, -3],
      [Math.fround(0.04), 5, 0.5],
    ]);
    expect(columns).toEqual(['0', '1', '2']);
    x.dispose();
  });

  it('uses a header, selects columns by name or index, trims and skips empty lines', async () => {
    const byName = loadCsv(IRIS, { header: true, columns: ['sepal_width', 'sepal_length'] });
    expect(byName.columns).toEqual(['sepal_width', 'sepal_length']);
    expect(await rows(byName.x)).toEqual(
      [
        [3.5, 5.1],
        [3, 4.9],
        [3.2, 7],
      ].map((r) => r.map(Math.fround)),
    );
    const byIndex = loadCsv(IRIS, { header: true, columns: [0] });
    expect(byIndex.x.shape).toEqual([3, 1]);
    expect(byIndex.columns).toEqual(['sepal_length']);
    tf.dispose([byName.x, byIndex.x]);
  });

  it('honours delimiter and comment, and accepts bytes with a BOM', async () => {
    const text = '# measured\n1;2\n# again\n3;4\n';
    const { x } = loadCsv(text, { delimiter: ';', comment: '#' });
    expect(await rows(x)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const bytes = new TextEncoder().encode('\ufeff7,8\n');
    const fromBytes = loadCsv(bytes);
    expect(await rows(fromBytes.x)).toEqual([[7, 8]]);
    tf.dispose([x, fromBytes.x]);
  });

  it('names the row, line and column of a non-numeric or missing value', () => {
    const cases: [string, object, RegExp][] = [
      [
        IRIS,
        { header: true },
        /loadCsv: argument 'text': row 1 \(line 2\), column 'species' \(index 2\) holds "setosa", which is not a finite number/,
      ],
      ['1,2\n3,\n', {}, /row 2 \(line 2\), column index 1 is missing/],
      ['1,2\n3,0x10\n', {}, /column index 1 holds "0x10"/],
      ['1,2\nNaN,1\n', {}, /row 2 \(line 2\), column index 0 holds "NaN"/],
      ['1,2\n1e39,1\n', {}, /holds "1e39", which is not a finite number/],
      ['a,b\n1,2\n', {}, /row 1 \(line 1\), column index 0 holds "a".*pass header: true/],
      ['1,2\n3\n', {}, /loadCsv: argument 'text' is not valid CSV: .*line 2/],
      ['a,b\n', { header: true }, /argument 'text' holds no data rows/],
    ];
    for (const [text, options, message] of cases) {
      expect(() => loadCsv(text, options)).toThrow(FormatError);
      expect(() => loadCsv(text, options)).toThrow(message);
    }
  });

  it('rejects bad options and input with InvalidArgumentError', () => {
    const cases: [() => unknown, RegExp][] = [
      [
        () => loadCsv(IRIS, { header: true, columns: ['petal'] }),
        /argument 'columns' has no column "petal" \(known: names sepal_length, sepal_width, species\)/,
      ],
      [() => loadCsv('1,2\n', { columns: [2] }), /has no column 2 \(known: indices 0..1\)/],
      [() => loadCsv('1,2\n', { columns: ['a'] }), /has no column "a"/],
      [() => loadCsv('1,2\n', { columns: [] }), /argument 'columns' must be a non-empty array/],
      [() => loadCsv('1,2\n', { headers: true } as never), /loadCsv: unknown option 'headers'/],
      [
        () => loadCsv('1,2\n', { header: 'yes' } as never),
        /argument 'header' must be a boolean, got "yes"/,
      ],
      [
        () => loadCsv('1,2\n', { delimiter: '' }),
        /argument 'delimiter' must be a non-empty string/,
      ],
      [() => loadCsv(42 as never), /loadCsv: argument 'text' must be CSV text .* got 42/],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(message);
    }
  });

  it('leaks nothing, also when it throws', async () => {
    await expectNoLeak(() => loadCsv(IRIS, { header: true, columns: [0, 1] }));
    await expectNoLeak(() => {
      expect(() => loadCsv('1\nx\n')).toThrow(FormatError);
    });
  });
});
