import { isGenError } from '@gen/core';
import { CommanderError } from 'commander';
import { EXIT, UsageError } from './errors.js';

/** A Node system error (`fs`, `net`): a string `code` such as EACCES, usually a `path`. */
export interface SystemError extends Error {
  code: string;
  syscall?: string;
  path?: string;
  dest?: string;
}

/** Whether `e` is a Node system error (EACCES, ENOSPC, …). */
export const isSystemError = (e: unknown): e is SystemError => {
  const code = e instanceof Error ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
};

// GenErrors are recognised by their brand, not `instanceof`, like every @gen cross-package check.
const genCode = (e: unknown): string | undefined => (isGenError(e) ? e.code : undefined);

/** Why an I/O error happened, in words, keeping the code for searching. */
const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent is not a directory',
  ENOENT: 'no such file or directory',
  EROFS: 'read-only file system',
  EEXIST: 'already exists',
  ENOTEMPTY: 'directory not empty',
  EMFILE: 'too many open files',
};

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

/** One line for an I/O error: what failed, on which path, and why. */
export function ioMessage(error: SystemError): string {
  const why = `${REASONS[error.code] ?? 'I/O error'} (${error.code})`;
  const path = error.path === undefined ? '' : ` '${error.path}'`;
  const dest = error.dest === undefined ? '' : ` -> '${error.dest}'`;
  return `cannot ${error.syscall ?? 'access'}${path}${dest}: ${why}`;
}

/**
 * Maps what a command threw to an exit code and the line written to stderr: usage errors, @gen
 * `FormatError`s (a corrupt checkpoint, weight or config file) and I/O errors exit 2 with one line
 * naming the flag or the path; other @gen errors (a NaN loss, say) exit 1 with their one-line
 * message; anything else is a bug and exits 1 with its stack.
 */
export function exitFor(error: unknown): { code: number; message?: string } {
  if (error instanceof CommanderError) {
    // --help and --version exit 0; unknown commands, flags and missing arguments exit 2 (commander
    // has already printed the message).
    return { code: error.exitCode === 0 ? EXIT.ok : EXIT.usage };
  }
  if (error instanceof UsageError) return { code: EXIT.usage, message: oneLine(error.message) };
  if (isSystemError(error)) return { code: EXIT.usage, message: ioMessage(error) };
  const code = genCode(error);
  const e = error as Error;
  if (code === 'INVALID_FORMAT') return { code: EXIT.usage, message: oneLine(e.message) };
  if (code !== undefined)
    return { code: EXIT.failure, message: oneLine(`${e.name}: ${e.message}`) };
  return { code: EXIT.failure, message: (error as Error)?.stack ?? String(error) };
}
