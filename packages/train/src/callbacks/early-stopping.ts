import {
  assertInteger,
  assertKnownOptions,
  assertNonNegative,
  FormatError,
  invalidArgument,
} from '@gen/core';
import type { Callback } from '../types.js';

export interface EarlyStoppingOptions {
  /** History field to watch (default 'validationLoss'); lower is better. */
  monitor?: string;
  /** Evaluations without improvement before stopping (default 5). */
  patience?: number;
  /** Smallest decrease that counts as an improvement (default 0). */
  minDelta?: number;
}

/**
 * Stops training once `monitor` has not improved by more than `minDelta` for `patience`
 * consecutive history rows that carry it (for 'validationLoss': consecutive validations); the
 * run resolves with `stopReason: 'early-stopping'`. A NaN counts as no improvement. Its counters
 * are saved in checkpoints, so a resumed run stops where the uninterrupted one would.
 *
 * ```ts
 * await fit(model, train, {
 *   epochs: 100,
 *   validation: { data: heldOut, every: 50 },
 *   callbacks: [earlyStopping({ patience: 3 })],
 * });
 * ```
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): Callback & {
  readonly best: number;
} {
  const fn = 'earlyStopping';
  assertKnownOptions(fn, options, ['monitor', 'patience', 'minDelta']);
  const { monitor = 'validationLoss', patience = 5, minDelta = 0 } = options;
  if (typeof monitor !== 'string' || monitor.length === 0) {
    throw invalidArgument(fn, 'monitor', monitor, 'must be a history field name');
  }
  assertInteger(fn, 'patience', patience, 1);
  assertNonNegative(fn, 'minDelta', minDelta);
  let best = Number.POSITIVE_INFINITY;
  let wait = 0;
  return {
    get best() {
      return best;
    },
    onStepEnd({ logs, stop }) {
      const value = logs?.[monitor];
      if (value === undefined) return;
      if (value < best - minDelta) {
        best = value;
        wait = 0;
      } else if (++wait >= patience) {
        stop('early-stopping');
      }
    },
    getState: () => ({ best: Number.isFinite(best) ? best : null, wait }),
    setState(state) {
      const s = state as { best?: unknown; wait?: unknown } | null;
      if (typeof s?.wait !== 'number' || (s.best !== null && typeof s.best !== 'number')) {
        throw new FormatError(`${fn}: invalid saved state ${JSON.stringify(state)}`);
      }
      best = s.best ?? Number.POSITIVE_INFINITY;
      wait = s.wait;
    },
  };
}
