import { assertInteger, assertKnownOptions, invalidArgument } from '@gen/core';
import type { Callback, HistoryEntry } from '../types.js';

export interface ProgressOptions {
  /** Print rows whose step is a multiple of this (default: every row, i.e. every `logEvery`). */
  every?: number;
  /** Where lines go (default `console.log`). */
  print?: (line: string) => void;
}

const format = (value: number) =>
  Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3)
    ? value.toExponential(3)
    : value.toFixed(4);

/** One history row as a line: `step 100/1000  epoch 3  loss 1.2345  validationLoss 1.3012`. */
export function formatEntry(entry: HistoryEntry, totalSteps: number | undefined): string {
  const parts = [`step ${entry.step}${totalSteps === undefined ? '' : `/${totalSteps}`}`];
  parts.push(`epoch ${entry.epoch}`);
  for (const [key, value] of Object.entries(entry)) {
    if (key !== 'step' && key !== 'epoch') parts.push(`${key} ${format(value)}`);
  }
  return parts.join('  ');
}

/**
 * Prints the history rows as training goes, and one closing line with the stop reason.
 *
 * ```ts
 * await fit(model, x, { steps: 1000, logEvery: 50, callbacks: [progress({ every: 100 })] });
 * // step 100/1000  epoch 3  loss 1.4502 …
 * ```
 */
export function progress(options: ProgressOptions = {}): Callback {
  const fn = 'progress';
  assertKnownOptions(fn, options, ['every', 'print']);
  const { every, print = (line: string) => console.log(line) } = options;
  if (every !== undefined) assertInteger(fn, 'every', every, 1);
  if (typeof print !== 'function') throw invalidArgument(fn, 'print', print, 'must be a function');
  return {
    onStepEnd({ logs, totalSteps }) {
      if (logs !== undefined && (every === undefined || logs.step % every === 0)) {
        print(formatEntry(logs, totalSteps));
      }
    },
    onTrainEnd({ fn: name, step, epoch, stopReason }) {
      print(`${name}: ${stopReason} at step ${step} (epoch ${epoch})`);
    },
  };
}
