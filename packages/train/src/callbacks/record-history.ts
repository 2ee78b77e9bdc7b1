import type { Callback, HistoryEntry } from '../types.js';

/** A callback whose `entries` fill with history rows while training runs (e.g. for live plots). */
export interface HistoryRecorder extends Callback {
  readonly entries: HistoryEntry[];
}

/**
 * Collects history rows as they are appended, including rows restored from a checkpoint, so a
 * UI can plot the losses during a long run; when the run ends they equal the resolved
 * `FitResult.history`, an aborted run's last row included.
 *
 * ```ts
 * const recorder = recordHistory();
 * const done = fit(model, x, { steps: 10_000, callbacks: [recorder] });
 * setInterval(() => plot(recorder.entries), 1000);
 * ```
 */
export function recordHistory(): HistoryRecorder {
  const entries: HistoryEntry[] = [];
  return {
    entries,
    onTrainBegin({ history }) {
      entries.splice(0, entries.length, ...history);
    },
    onStepEnd({ logs }) {
      if (logs !== undefined) entries.push(logs);
    },
    onTrainEnd({ history }) {
      // A run that ends between read points (an abort) reads its last row after the last
      // onStepEnd; that row is only in the history.
      const last = entries.at(-1)?.step ?? -1;
      for (const row of history) if (row.step > last) entries.push(row);
    },
  };
}
