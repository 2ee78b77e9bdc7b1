import { assertInteger, assertKnownOptions, invalidArgument } from '@gen/core';
import { runIdOf, stepsToPrune } from './run-id.js';

/**
 * Where checkpoints live: opaque byte arrays keyed by step. `fit` writes through `save` and
 * resumes from `load()` (the latest). Implement it over IndexedDB, S3, … to checkpoint anywhere;
 * {@link memoryCheckpointStore} keeps them in memory and `fileCheckpointStore` from
 * `@gen/train/node` in a directory.
 *
 * ```ts
 * const store = memoryCheckpointStore();
 * await fit(model, x, { steps: 100, checkpoint: { store, every: 50 } });
 * await store.latest(); // 100
 * ```
 */
export interface CheckpointStore {
  /** Stores the checkpoint of `step`, replacing one of the same step; all or nothing. */
  save(step: number, bytes: Uint8Array): Promise<void>;
  /** The checkpoint of `step`, or the latest when omitted; undefined when there is none. */
  load(step?: number): Promise<Uint8Array | undefined>;
  /** The highest stored step, undefined when the store is empty. */
  latest(): Promise<number | undefined>;
  /** Every stored step, ascending. */
  list(): Promise<number[]>;
  /**
   * Where the checkpoint of `step` lives, for error messages (a file path for
   * `fileCheckpointStore`). Optional.
   */
  locate?(step: number): string;
}

export interface StoreOptions {
  /**
   * How many of the most recent checkpoints of a run to keep (default 5); older ones of the same
   * run (the run id in their header) are deleted, never another run's.
   */
  keep?: number;
}

/** Validates store options; returns `keep`. */
export function resolveKeep(fn: string, options: StoreOptions | undefined): number {
  if (options === undefined) return 5;
  if (options === null || typeof options !== 'object') {
    throw invalidArgument(fn, 'options', options, 'must be an options object');
  }
  assertKnownOptions(fn, options, ['keep']);
  const keep = options.keep ?? 5;
  assertInteger(fn, 'keep', keep, 1);
  return keep;
}

/** Throws unless `step` is a valid checkpoint step. */
export function assertStep(fn: string, step: unknown): asserts step is number {
  assertInteger(fn, 'step', step, 0);
}

/** Throws unless a store's `save(step, bytes)` got a valid step and checkpoint bytes. */
export function assertSave(fn: string, step: unknown, bytes: unknown): asserts bytes is Uint8Array {
  assertStep(fn, step);
  if (!(bytes instanceof Uint8Array))
    throw invalidArgument(fn, 'bytes', bytes, 'must be a Uint8Array');
}

/** Throws unless `value` looks like a {@link CheckpointStore}. */
export function assertStore(
  fn: string,
  arg: string,
  value: unknown,
): asserts value is CheckpointStore {
  const store = value as Partial<CheckpointStore> | null;
  const ok =
    store !== null &&
    typeof store === 'object' &&
    ['save', 'load', 'latest', 'list'].every(
      (m) => typeof (store as Record<string, unknown>)[m] === 'function',
    );
  if (!ok)
    throw invalidArgument(fn, arg, value, 'must be a CheckpointStore (save, load, latest, list)');
}

/**
 * A {@link CheckpointStore} in memory (browser-safe): copies of the bytes, the most recent `keep`
 * steps of each run.
 *
 * ```ts
 * const store = memoryCheckpointStore({ keep: 2 });
 * ```
 */
export function memoryCheckpointStore(options?: StoreOptions): CheckpointStore {
  const keep = resolveKeep('memoryCheckpointStore', options);
  const saved = new Map<number, Uint8Array>();
  const steps = () => [...saved.keys()].sort((a, b) => a - b);
  return {
    async save(step, bytes) {
      assertSave('memoryCheckpointStore.save', step, bytes);
      saved.set(step, bytes.slice());
      const runOf = async (s: number) => runIdOf(saved.get(s)!);
      for (const old of await stepsToPrune(steps(), keep, runIdOf(bytes), runOf)) {
        saved.delete(old);
      }
    },
    async load(step) {
      const target = step ?? steps().at(-1);
      if (target === undefined) return undefined;
      return saved.get(target)?.slice();
    },
    async latest() {
      return steps().at(-1);
    },
    async list() {
      return steps();
    },
  };
}
