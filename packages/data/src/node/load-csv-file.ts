import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FormatError, invalidArgument } from '@gen/core';
import { type CsvData, type CsvOptions, csvToTensor } from '../csv/load-csv.js';

/**
 * Node's `loadCsv`: like `loadCsv` of `@gen/data`, but `textOrPath` may also be a file. A `URL`,
 * or a string without a line break, is read as a path (a missing file throws `FormatError`
 * naming it); a string with a line break is CSV text.
 *
 * ```ts
 * import { loadCsv } from '@gen/data/node';
 * const { x, columns } = loadCsv('./iris.csv', { header: true, columns: [0, 1, 2, 3] });
 * ```
 */
export function loadCsv(textOrPath: string | URL, options: CsvOptions = {}): CsvData {
  const fn = 'loadCsv';
  if (typeof textOrPath === 'string' && /[\r\n]/.test(textOrPath)) {
    return csvToTensor(fn, "argument 'textOrPath'", textOrPath, options);
  }
  if (!(textOrPath instanceof URL) && (typeof textOrPath !== 'string' || textOrPath === '')) {
    throw invalidArgument(fn, 'textOrPath', textOrPath, 'must be CSV text, a file path or a URL');
  }
  const path = textOrPath instanceof URL ? fileURLToPath(textOrPath) : textOrPath;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unknown error';
    throw new FormatError(`${fn}: cannot read CSV file '${path}' (${code})`, { cause: error });
  }
  return csvToTensor(fn, `file '${path}'`, bytes, options);
}
