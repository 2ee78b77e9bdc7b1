/**
 * Errors of the `gen` command. A {@link UsageError} (bad flag, unknown model or dataset,
 * unreadable or corrupt file, I/O failure on a path) exits with code 2 and one line that names
 * the flag or the path; anything unexpected exits with code 1.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

/**
 * Exit codes of the `gen` command: 0 ok, 1 internal failure, 2 usage, format or I/O error,
 * 130 stopped by SIGINT, 143 stopped by SIGTERM (128 + the signal number, as shells report it).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130, terminated: 143 } as const;

/** The exit code of a run stopped by `signal`. */
export const signalExit = (signal: NodeJS.Signals): number =>
  signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;

/** Throws a {@link UsageError} naming the flag and the bad value. */
export function badFlag(flag: string, value: unknown, expected: string): never {
  throw new UsageError(`${flag}: expected ${expected}, got ${JSON.stringify(value)}`);
}
