/**
 * Checkpoint stores on disk (Node only), written atomically, for `createTrainer` and `fit`.
 *
 * @packageDocumentation
 * @module @gen/train/node
 */
import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidArgument } from '@gen/core';
import { removeStaleTemporaries, writeFileAtomic } from '@gen/core/node';
import { runIdOf, stepsToPrune } from './checkpoint/run-id.js';
import {
  assertSave,
  assertStep,
  type CheckpointStore,
  resolveKeep,
  type StoreOptions,
} from './checkpoint/store.js';

export { type MetricsFileOptions, metricsFile } from './callbacks/metrics-file.js';
export type { CheckpointStore, StoreOptions } from './checkpoint/store.js';

const PATTERN = /^ckpt-(\d{12})\.genc$/;
const fileName = (step: number) => `ckpt-${String(step).padStart(12, '0')}.genc`;
// Orphaned temporary files of writeFileAtomic are removed only for checkpoint names.
const CHECKPOINT_NAME = /^ckpt-\d{12}\.genc$/;

/** The run id in the header of the checkpoint file `path`, reading only its header. */
async function fileRunId(path: string): Promise<string | undefined> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (handle === undefined) return undefined;
  try {
    const { size } = await handle.stat();
    const prefix = new Uint8Array(20);
    await handle.read(prefix, 0, Math.min(20, size), 0);
    const view = new DataView(prefix.buffer);
    const marker = view.getUint32(4, true);
    const headerEnd = marker === 0 ? 20 + view.getUint32(12, true) : 8 + marker;
    if (headerEnd > size) return undefined;
    const header = new Uint8Array(headerEnd);
    await handle.read(header, 0, headerEnd, 0);
    return runIdOf(header);
  } finally {
    await handle.close();
  }
}

/**
 * A {@link CheckpointStore} in the directory `dir` (created on the first save), one file
 * `ckpt-<step>.genc` per checkpoint. Every save is atomic: the bytes go to a temporary file in
 * the same directory, are flushed to disk, and the file is renamed into place, so a crash leaves
 * the previous checkpoints intact and never a half-written one; on a write error the temporary
 * file is removed and the error rethrown. Only the most recent `keep` (default 5) checkpoints of
 * a run are kept; another run's checkpoints (a different run id in their header) are never
 * deleted. When the store first touches the directory it removes temporary files orphaned by a
 * process killed mid-save (older than a minute, their writer gone). Error messages name the
 * checkpoint's file (`locate`). `fit(…, { checkpoint: { dir, every } })` and `resume: dir` use
 * this store.
 *
 * ```ts
 * import { fileCheckpointStore } from '@gen/train/node';
 * const store = fileCheckpointStore('runs/gaussian', { keep: 3 });
 * await fit(model, x, { steps: 1000, checkpoint: { store, every: 100 } });
 * ```
 */
export function fileCheckpointStore(dir: string, options?: StoreOptions): CheckpointStore {
  const fn = 'fileCheckpointStore';
  if (typeof dir !== 'string' || dir.length === 0) {
    throw invalidArgument(fn, 'dir', dir, 'must be a non-empty string');
  }
  const keep = resolveKeep(fn, options);
  let cleaned: Promise<void> | undefined;
  const ready = () => {
    cleaned ??= removeStaleTemporaries(dir, CHECKPOINT_NAME).then(() => undefined);
    return cleaned;
  };
  const list = async (): Promise<number[]> => {
    await ready();
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return [];
      throw error;
    }
    return names
      .map((name) => PATTERN.exec(name)?.[1])
      .filter((step): step is string => step !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  };
  return {
    list,
    async latest() {
      return (await list()).at(-1);
    },
    async save(step, bytes) {
      assertSave(`${fn}.save`, step, bytes);
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(join(dir, fileName(step)), bytes);
      const runOf = (s: number) => fileRunId(join(dir, fileName(s)));
      for (const old of await stepsToPrune(await list(), keep, runIdOf(bytes), runOf)) {
        await rm(join(dir, fileName(old)), { force: true });
      }
    },
    locate(step) {
      return join(dir, fileName(step));
    },
    async load(step) {
      await ready();
      const target = step ?? (await list()).at(-1);
      if (target === undefined) return undefined;
      assertStep(`${fn}.load`, target);
      try {
        return new Uint8Array(await readFile(join(dir, fileName(target))));
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}
