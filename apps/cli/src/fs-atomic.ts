import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UsageError } from './errors.js';
import { ioMessage, isSystemError } from './exit-error.js';

/**
 * Writes `data` to `path` atomically: a temp file in the same folder, then a rename, so a reader
 * (or an interrupted run) never sees a half-written file. An I/O error (a full disk, a missing
 * permission) is a {@link UsageError} that names `path`.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    if (isSystemError(error)) throw new UsageError(`cannot write '${path}': ${ioMessage(error)}`);
    throw error;
  }
}
