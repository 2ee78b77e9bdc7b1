import { FormatError, invalidArgument } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { parse } from 'csv-parse/browser/esm/sync';
import { assertOptions } from '../options.js';

/** Options of `loadCsv`. */
export interface CsvOptions {
  /** Whether the first record holds column names (default false). */
  header?: boolean;
  /** Columns to keep, in this order: 0-based indices, or names when `header` is true. Default: all. */
  columns?: readonly (number | string)[];
  /** Field delimiter (default ','). */
  delimiter?: string;
  /** Lines starting with this string are skipped (default: none). */
  comment?: string;
}

/** Numeric CSV data: `x` is `[rows, columns]` float32 (caller owns); `columns` their names. */
export interface CsvData {
  x: tf.Tensor2D;
  /** Header names of the kept columns, or their 0-based indices as strings without a header. */
  columns: string[];
}

export const CSV_OPTIONS = ['header', 'columns', 'delimiter', 'comment'] as const;

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

interface Parsed {
  record: string[];
  info: { lines: number };
}

function selectColumns(
  fn: string,
  wanted: CsvOptions['columns'],
  names: string[] | undefined,
  width: number,
) {
  if (wanted === undefined) return Array.from({ length: width }, (_, i) => i);
  if (!Array.isArray(wanted) || wanted.length === 0) {
    throw invalidArgument(fn, 'columns', wanted, 'must be a non-empty array of indices or names');
  }
  return wanted.map((c) => {
    if (typeof c === 'number' && Number.isInteger(c) && c >= 0 && c < width) return c;
    if (typeof c === 'string' && names !== undefined && names.includes(c)) return names.indexOf(c);
    const known = names === undefined ? `indices 0..${width - 1}` : `names ${names.join(', ')}`;
    throw invalidArgument(
      fn,
      'columns',
      wanted,
      `has no column ${JSON.stringify(c)} (known: ${known})`,
    );
  });
}

/**
 * Parses CSV `input` with csv-parse and converts the selected columns to numbers. `where`
 * describes the source for messages, e.g. "argument 'text'".
 */
export function csvToTensor(
  fn: string,
  where: string,
  input: string | Uint8Array,
  options: CsvOptions,
): CsvData {
  assertOptions(fn, options, CSV_OPTIONS);
  const { header = false, delimiter = ',', comment } = options;
  if (typeof header !== 'boolean') throw invalidArgument(fn, 'header', header, 'must be a boolean');
  if (typeof delimiter !== 'string' || delimiter.length === 0) {
    throw invalidArgument(fn, 'delimiter', delimiter, 'must be a non-empty string');
  }
  if (comment !== undefined && (typeof comment !== 'string' || comment.length === 0)) {
    throw invalidArgument(fn, 'comment', comment, 'must be a non-empty string');
  }
  let records: Parsed[];
  try {
    // csv-parse's browser build expects its own Buffer polyfill, so bytes are decoded here.
    const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
    records = parse(text, {
      delimiter,
      ...(comment === undefined ? {} : { comment }),
      bom: true,
      info: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as Parsed[];
  } catch (error) {
    throw new FormatError(`${fn}: ${where} is not valid CSV: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const names = header ? records.shift()?.record : undefined;
  const first = records[0];
  if (first === undefined) throw new FormatError(`${fn}: ${where} holds no data rows`);
  const width = first.record.length;
  const keep = selectColumns(fn, options.columns, names, width);
  const values = new Float32Array(records.length * keep.length);
  records.forEach(({ record, info }, row) => {
    keep.forEach((c, j) => {
      const field = record[c] ?? '';
      const value = Number(field);
      if (!NUMBER.test(field) || !Number.isFinite(Math.fround(value))) {
        const column =
          names === undefined ? `column index ${c}` : `column '${names[c]}' (index ${c})`;
        const problem =
          field === ''
            ? 'is missing'
            : `holds ${JSON.stringify(field)}, which is not a finite number`;
        const tip =
          row === 0 && !header ? ' (if the first row is a header, pass header: true)' : '';
        throw new FormatError(
          `${fn}: ${where}: row ${row + 1} (line ${info.lines}), ${column} ${problem}${tip}`,
        );
      }
      values[row * keep.length + j] = value;
    });
  });
  return {
    x: tf.tensor2d(values, [records.length, keep.length], 'float32'),
    columns: keep.map((c) => (names === undefined ? String(c) : names[c]!)),
  };
}

/**
 * Parses numeric CSV text into a `[rows, columns]` float32 tensor (browser-safe; in Node,
 * `loadCsv` from `@gen/data/node` also reads files). Empty lines are skipped and fields
 * trimmed; a missing or non-numeric value in a kept column throws `FormatError` naming the row,
 * the file line and the column.
 *
 * ```ts
 * const { x, columns } = loadCsv('a,b,label\n1,2,x\n3,4,y\n', { header: true, columns: ['a', 'b'] });
 * // x: [[1, 2], [3, 4]], columns: ['a', 'b']
 * ```
 */
export function loadCsv(text: string | Uint8Array, options: CsvOptions = {}): CsvData {
  if (typeof text !== 'string' && !(text instanceof Uint8Array)) {
    throw invalidArgument('loadCsv', 'text', text, 'must be CSV text (a string or bytes)');
  }
  return csvToTensor('loadCsv', "argument 'text'", text, options);
}
