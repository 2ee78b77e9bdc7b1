/**
 * Errors of the `gen` command. A {@link UsageError} (bad flag, unknown model or dataset,
 * unreadable file) exits with code 2 and writes nothing; anything else exits with code 1.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

/** Exit codes of the `gen` command. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** Throws a {@link UsageError} naming the flag and the bad value. */
export function badFlag(flag: string, value: unknown, expected: string): never {
  throw new UsageError(`${flag}: expected ${expected}, got ${JSON.stringify(value)}`);
}
