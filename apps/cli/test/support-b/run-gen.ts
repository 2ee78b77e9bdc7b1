import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built `gen` binary (build it first: `pnpm turbo run build --filter=@gen/cli...`). */
export const GEN = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

export interface GenResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/index.js ...args` as a child process and collects its exit code and output. */
export function gen(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<GenResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [GEN, ...args],
      { env, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs `gen` and parses its stdout as JSON, failing loudly with stderr if it did not exit 0. */
export async function genJson<T = Record<string, unknown>>(args: string[]): Promise<T> {
  const result = await gen([...args, '--json']);
  if (result.code !== 0)
    throw new Error(`gen ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'gen-cli-b-'));
}
