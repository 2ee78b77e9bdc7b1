import { randomBytes } from 'node:crypto';
import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
} from 'node:fs/promises';
import { join } from 'node:path';
import { invalidArgument } from '@gen/core';
import { runIdOf, stepsToPrune } from './checkpoint/run-id.js';
import {
  assertStep,
  type CheckpointStore,
  resolveKeep,
  type StoreOptions,
} from './checkpoint/store.js';

export type { CheckpointStore, StoreOptions } from './checkpoint/store.js';

const PATTERN = /^ckpt-(\d{12})\.genc$/;
const fileName = (step: number) => `ckpt-${String(step).padStart(12, '0')}.genc`;
// The temporary files of writeAtomically: `.<checkpoint name>.<pid>.<12 hex digits>.tmp`.
const TEMPORARY = /^\.ckpt-\d{12}\.genc\.(\d+)\.[0-9a-f]{12}\.tmp$/;
/** A temporary file this old whose writer has exited is an orphan (a kill -9 mid-save). */
const STALE_AFTER_MS = 60_000;
// Past this age a temporary file is an orphan even if a process has its pid: no save takes an
// hour, and the pid may have been reused or belong to another machine sharing the directory.
const ORPHAN_AFTER_MS = 3_600_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as { code?: string }).code === 'EPERM';
  }
}

/**
 * Removes the temporary files that a save killed mid-write left in `dir`: only names of our own
 * pattern, only when older than {@link STALE_AFTER_MS} and written by a process that is gone
 * (or older than an hour), so a save in progress in another process sharing the directory is
 * left alone. Best effort: a file that vanishes or cannot be removed is skipped.
 */
async function removeStaleTemporaries(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const now = Date.now();
  for (const name of names) {
    const pid = TEMPORARY.exec(name)?.[1];
    if (pid === undefined) continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) continue;
    const age = now - info.mtimeMs;
    const orphan = age > ORPHAN_AFTER_MS || (age > STALE_AFTER_MS && !alive(Number(pid)));
    if (orphan) await rm(path, { force: true }).catch(() => undefined);
  }
}

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

async function syncDirectory(dir: string): Promise<void> {
  // Makes the rename itself durable; some platforms (Windows) cannot open directories.
  const handle = await open(dir, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}

async function writeAtomically(dir: string, name: string, bytes: Uint8Array): Promise<void> {
  const temporary = join(dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temporary, 'wx');
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, join(dir, name));
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
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
    cleaned ??= removeStaleTemporaries(dir);
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
      assertStep(`${fn}.save`, step);
      if (!(bytes instanceof Uint8Array)) {
        throw invalidArgument(`${fn}.save`, 'bytes', bytes, 'must be a Uint8Array');
      }
      await mkdir(dir, { recursive: true });
      await writeAtomically(dir, fileName(step), bytes);
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
