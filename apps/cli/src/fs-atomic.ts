import { mkdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { removeStaleTemporaries, writeFileAtomic as writeAtomically } from '@gen/core/node';
import { UsageError } from './errors.js';
import { ioMessage, isSystemError } from './exit-error.js';

/**
 * Writes `data` to `path` atomically (a temp file in the same folder, then a rename, through
 * `@gen/core/node`), so a reader or an interrupted run never sees a half-written file, after
 * removing the temp files that a killed earlier write of the same path left behind. An I/O
 * error (a full disk, a missing permission) is a {@link UsageError} that names `path`.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await removeStaleTemporaries(dirname(path), basename(path));
    await writeAtomically(path, data);
  } catch (error) {
    if (isSystemError(error)) throw new UsageError(`cannot write '${path}': ${ioMessage(error)}`);
    throw error;
  }
}
