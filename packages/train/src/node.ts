import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidArgument } from '@gen/core';
import {
  assertStep,
  type CheckpointStore,
  resolveKeep,
  type StoreOptions,
} from './checkpoint/store.js';

export type { CheckpointStore, StoreOptions } from './checkpoint/store.js';

const PATTERN = /^ckpt-(\d{12})\.genc$/;
const fileName = (step: number) => `ckpt-${String(step).padStart(12, '0')}.genc`;

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
 * file is removed and the error rethrown. Only the most recent `keep` (default 5) are kept.
 * `fit(…, { checkpoint: { dir, every } })` and `resume: dir` use this store.
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
  const list = async (): Promise<number[]> => {
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
      for (const old of (await list()).slice(0, -keep)) {
        await rm(join(dir, fileName(old)), { force: true });
      }
    },
    async load(step) {
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
