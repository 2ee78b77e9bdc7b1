import { appendFile, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { assertInteger, assertKnownOptions, invalidArgument } from '@gen/core';
import { writeFileAtomic } from '@gen/core/node';
import type { Callback } from '../types.js';
import { metricsLogger } from './json-lines-logger.js';

export interface MetricsFileOptions {
  /** Write the history rows whose step is a multiple of this (default: every row). */
  every?: number;
}

/** The lines of a log that a run resuming at `step` keeps, and the latest time among them. */
function keptLines(text: string, step: number): { lines: string[]; time: number } {
  const lines: string[] = [];
  let time = 0;
  for (const line of text.split('\n')) {
    let record: { step?: unknown; time?: unknown };
    try {
      record = JSON.parse(line) as typeof record;
    } catch {
      // A line torn by a process killed mid-write, or an empty one.
      continue;
    }
    if (typeof record?.step !== 'number' || record.step > step) continue;
    lines.push(line);
    if (typeof record.time === 'number' && record.time > time) time = record.time;
  }
  return { lines, time };
}

/**
 * A `jsonLinesLogger` that appends its lines to the file `path` (Node; the directory is created
 * when missing), for runs that outlive a process. Every line is appended when its row is logged,
 * so a killed process loses at most the line being written; the end record (also written when
 * `signal` aborts the run) is flushed to disk.
 *
 * One file follows one run across resumes. A fresh run (starting at step 0) replaces the file.
 * A run resumed at step s keeps the lines with `step ≤ s` (a process killed after its last
 * checkpoint logged steps that the resumed run does it again) and drops the rest and any torn
 * line, so the `step` records never repeat a step; then it appends a `start` record at s and
 * continues. `time` continues from the kept lines, so it counts the training time of all
 * segments. `path` may be a function returning the path, read at every write, for a run
 * directory that moves while training (`gen train` writes beside its `--out` until the first
 * checkpoint).
 *
 * ```ts
 * import { metricsFile } from '@gen/train/node';
 * await fit(model, x, { steps: 1000, checkpoint: { dir: 'runs/a/checkpoints', every: 100 },
 *   callbacks: [metricsFile('runs/a/metrics.jsonl')] });
 * ```
 */
export function metricsFile(
  path: string | (() => string),
  options: MetricsFileOptions = {},
): Callback {
  const fn = 'metricsFile';
  if (!(typeof path === 'function' || (typeof path === 'string' && path.length > 0))) {
    throw invalidArgument(fn, 'path', path, 'must be a non-empty string or a function');
  }
  if (options === null || typeof options !== 'object') {
    throw invalidArgument(fn, 'options', options, 'must be an options object { every? }');
  }
  assertKnownOptions(fn, options, ['every']);
  const { every } = options;
  if (every !== undefined) assertInteger(fn, 'every', every, 1);
  const file = () => {
    const resolved = typeof path === 'function' ? path() : path;
    if (typeof resolved !== 'string' || resolved.length === 0) {
      throw invalidArgument(fn, 'path', resolved, 'must return a non-empty string');
    }
    return resolved;
  };
  return metricsLogger(
    {
      async begin(step) {
        const target = file();
        await mkdir(dirname(target), { recursive: true });
        if (step === 0) {
          await writeFile(target, '');
          return 0;
        }
        const text = await readFile(target, 'utf8').catch((error: { code?: string }) => {
          if (error.code === 'ENOENT') return '';
          throw error;
        });
        const { lines, time } = keptLines(text, step);
        await writeFileAtomic(target, lines.map((line) => `${line}\n`).join(''));
        return time;
      },
      write: (line) => appendFile(file(), `${line}\n`),
      async end() {
        const handle = await open(file(), 'a');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      },
    },
    every,
  );
}
