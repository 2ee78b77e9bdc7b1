/**
 * The one atomic file writer of `@gen` (weight files, checkpoints, the CLI's run files) and the
 * clean-up of what a killed writer leaves behind. Node only; it imports nothing from the rest of
 * `@gen/core`, so it adds no second copy of it wherever it is loaded from.
 *
 * @packageDocumentation
 * @module @gen/core/node
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

// `.<target name>.<pid>.<12 hex digits>.tmp`: the writer's pid tells whether it is still alive.
const TEMPORARY = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;
/** A temporary file this old whose writer has exited is an orphan (a kill -9 mid-write). */
const STALE_AFTER_MS = 60_000;
// Past this age a temporary file is an orphan even if a process has its pid: no write takes an
// hour, and the pid may have been reused or belong to another machine sharing the directory.
const ORPHAN_AFTER_MS = 3_600_000;

/** Whether a process with this pid exists (possibly another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as { code?: string }).code === 'EPERM';
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes the rename itself durable; some platforms (Windows) cannot open directories.
  const handle = await open(dir, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}

/**
 * Writes `data` to `path` atomically and durably: the bytes go to a temporary file
 * `.<name>.<pid>.<random>.tmp` in the same directory, are flushed, and the file is renamed over
 * `path`, so readers see the old file or the new one, never a mix. On failure the temporary file
 * is removed and the file-system error is rethrown (with its `code` and `path`). The directory
 * must exist.
 *
 * ```ts
 * await writeFileAtomic('runs/a/metrics.json', JSON.stringify(metrics));
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  const temporary = join(
    dir,
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  let handle: FileHandle | undefined;
  try {
    handle = await open(temporary, 'wx');
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/**
 * Removes the temporary files that a {@link writeFileAtomic} killed mid-write left in `dir`:
 * only names of its pattern (optionally only for targets named `target` or matching it), only
 * when older than a minute and written by a process that is gone, or older than an hour, so a
 * write in progress in another process sharing the directory is left alone. Best effort: a file
 * that vanishes or cannot be removed is skipped. Returns the names removed.
 */
export async function removeStaleTemporaries(
  dir: string,
  target?: RegExp | string,
): Promise<string[]> {
  const matches = (name: string) =>
    target === undefined || (typeof target === 'string' ? name === target : target.test(name));
  const names = await readdir(dir).catch(() => [] as string[]);
  const now = Date.now();
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMPORARY.exec(name);
    if (match === null || !matches(match[1]!)) continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) continue;
    const age = now - info.mtimeMs;
    if (age > ORPHAN_AFTER_MS || (age > STALE_AFTER_MS && !processAlive(Number(match[2])))) {
      await rm(path, { force: true }).then(
        () => removed.push(name),
        () => undefined,
      );
    }
  }
  return removed;
}
