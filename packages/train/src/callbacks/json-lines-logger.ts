import { assertInteger, assertKnownOptions, invalidArgument } from '@gen/core';
import type { Callback, HistoryEntry } from '../types.js';

export interface JsonLinesLoggerOptions {
  /** Receives each record as one line of JSON text, without a trailing newline. */
  write: (line: string) => void | Promise<void>;
  /**
   * Write the history rows whose step is a multiple of this (default: every row, i.e. every
   * `logEvery` steps). Rows that carry validation metrics are always written.
   */
  every?: number;
}

/**
 * Where a metrics logger's lines go. `begin` runs before the first record of a run, with the
 * step the run starts from (0 for a fresh run, the checkpoint's step after a resume), and
 * resolves with the seconds of training already logged before that step; `end` runs after the
 * last record.
 */
export interface MetricsSink {
  begin(step: number): number | Promise<number>;
  write(line: string): void | Promise<void>;
  end(): void | Promise<void>;
}

const now = () => (typeof performance === 'undefined' ? Date.now() : performance.now());

// JSON has no NaN or ±Infinity; their names as strings survive a round trip through
// `Number(…)` in JavaScript and `float(…)` in Python.
const jsonSafe = (value: number): number | string => (Number.isFinite(value) ? value : `${value}`);

const hasValidation = (row: HistoryEntry) =>
  Object.keys(row).some((key) => key.startsWith('validation'));

/** @internal The callback behind {@link jsonLinesLogger} and `metricsFile`. */
export function metricsLogger(sink: MetricsSink, every: number | undefined): Callback {
  let origin = 0;
  let offset = 0;
  const seconds = () => Math.round(offset * 1000 + now() - origin) / 1000;
  let seen = 0;
  const emit = (record: Record<string, unknown>) => sink.write(JSON.stringify(record));
  const row = (logs: HistoryEntry) => {
    const record: Record<string, unknown> = { type: 'step' };
    for (const [key, value] of Object.entries(logs)) record[key] = jsonSafe(value);
    record.type = 'step';
    record.time = seconds();
    return emit(record);
  };
  return {
    async onTrainBegin({ fn, step, epoch, totalSteps }) {
      seen = step;
      offset = await sink.begin(step);
      origin = now();
      await emit({
        type: 'start',
        step,
        epoch,
        time: seconds(),
        fn,
        totalSteps: totalSteps ?? null,
      });
    },
    async onStepEnd({ logs }) {
      if (logs === undefined) return;
      seen = logs.step;
      if (every !== undefined && logs.step % every !== 0 && !hasValidation(logs)) return;
      await row(logs);
    },
    async onTrainEnd({ step, epoch, stopReason, history }) {
      // A run that ends between read points (an abort) reads its last row after the last
      // onStepEnd; it is in the history only.
      for (const logs of history) if (logs.step > seen) await row(logs);
      await emit({ type: 'end', step, epoch, time: seconds(), stopReason });
      await sink.end();
    },
  };
}

/**
 * A callback that logs a run as JSON lines, one object per line, for tools that read them
 * (`pandas.read_json(path, lines=True)`, `jq`, a live chart). Three kinds of record, told apart
 * by `type`:
 *
 * - `{"type":"start","step":0,"epoch":0,"time":0,"fn":"fit","totalSteps":1000}` when a run
 *   starts or resumes (`step` is where it starts);
 * - `{"type":"step","step":100,"epoch":3,"loss":1.23,"validationLoss":1.31,"time":4.2}` for each
 *   history row: the step, the epoch and every metric of the row (means since the previous
 *   row; `validationLoss` where validation ran);
 * - `{"type":"end","step":1000,"epoch":31,"time":41.9,"stopReason":"completed"}` when the run
 *   resolves (aborted ones included; a run that rejects writes none).
 *
 * `time` is wall-clock seconds since the run started (millisecond resolution). A metric that is
 * NaN or ±Infinity (possible with `nanGuard: false`) is written as the string `"NaN"`,
 * `"Infinity"` or `"-Infinity"`, which `Number(…)` and Python's `float(…)` read back. The
 * callback keeps no state in checkpoints, so adding or removing it never blocks a resume. In
 * Node, `metricsFile(path)` from `@gen/train/node` appends the lines to a file and continues it
 * across resumes.
 *
 * ```ts
 * const lines: string[] = [];
 * await fit(model, x, { steps: 1000, logEvery: 50, callbacks: [jsonLinesLogger({ write: (l) => lines.push(l) })] });
 * lines.map((l) => JSON.parse(l)).filter((r) => r.type === 'step'); // 20 rows
 * ```
 */
export function jsonLinesLogger(options: JsonLinesLoggerOptions): Callback {
  const fn = 'jsonLinesLogger';
  if (options === null || typeof options !== 'object') {
    throw invalidArgument(fn, 'options', options, 'must be an options object { write, every? }');
  }
  assertKnownOptions(fn, options, ['write', 'every']);
  const { write, every } = options;
  if (typeof write !== 'function') throw invalidArgument(fn, 'write', write, 'must be a function');
  if (every !== undefined) assertInteger(fn, 'every', every, 1);
  return metricsLogger({ begin: () => 0, write, end: () => undefined }, every);
}
