import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * Checks, before any work, that `path` could be created: its nearest existing ancestor must be a
 * directory this process may write to. A usage error names the flag and the path otherwise.
 */
export function assertCreatable(flag: string, path: string): void {
  let parent = dirname(path);
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) {
    throw new UsageError(`${flag}: cannot create '${path}': '${parent}' is not a directory`);
  }
  try {
    accessSync(parent, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'EACCES';
    throw new UsageError(`${flag}: cannot create '${path}': '${parent}' is not writable (${code})`);
  }
}

/**
 * Checks an output file flag (`--out file.csv`) before any work: refuses a directory, an existing
 * file unless `force`, and a path whose directory cannot be written. Returns the absolute path.
 */
export function checkOutFile(flag: string, value: string, force: boolean): string {
  const path = resolve(value);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) {
      throw new UsageError(`${flag}: '${path}' is a directory, expected a file`);
    }
    if (!force) {
      throw new UsageError(`${flag}: '${path}' already exists; pass --force to overwrite it`);
    }
  }
  assertCreatable(flag, path);
  return path;
}
