/**
 * Runs `read` and makes sure a format error it throws names `path` (the file or directory the
 * user gave), so `gen` can print one line that says which file is corrupt.
 */
export async function namingFile<T>(path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    if (
      e?.code === 'INVALID_FORMAT' &&
      typeof e.message === 'string' &&
      !e.message.includes(path)
    ) {
      (error as Error).message = `'${path}': ${e.message}`;
    }
    throw error;
  }
}
