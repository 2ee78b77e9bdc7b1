import type { Callback, HistoryEntry } from '../types.js';

/** A callback whose `entries` fill with history rows while training runs (e.g. for live plots). */
export interface HistoryRecorder extends Callback {
  readonly entries: HistoryEntry[];
}

/**
 * Collects history rows as they are appended, including rows restored from a checkpoint, so a
 * UI can plot the losses during a long run (the resolved `FitResult.history` holds the same rows).
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
  };
}
