import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built `gen` binary (build @gen/cli first). */
export const GEN = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

export interface GenResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawns `node dist/index.js ...args` in `cwd`; `onStderr` sees stderr as it arrives. */
export function spawnGen(
  args: string[],
  cwd: string,
  onStderr?: (text: string, child: ChildProcess) => void,
): Promise<GenResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [GEN, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs `gen` to completion. */
export const gen = (args: string[], cwd: string) => spawnGen(args, cwd);

/** A fresh temporary directory. */
export const tempDir = () => mkdtemp(join(tmpdir(), 'gen-cli-'));

/** Reads and parses a JSON file. */
export async function readJson<T = Record<string, unknown>>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/** Whether `bytes` start with the 8-byte PNG signature. */
export const isPng = (bytes: Uint8Array) =>
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b);
