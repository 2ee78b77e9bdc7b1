import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../fs-atomic.js';
import type { RunConfig } from './config.js';
import { assertCreatable } from './out-path.js';
import { checkStoredConfig } from './stored-config.js';

/** The files of a run directory. */
export function runPaths(dir: string) {
  const root = resolve(dir);
  return {
    root,
    config: join(root, 'config.json'),
    metrics: join(root, 'metrics.json'),
    metricsLog: join(root, 'metrics.jsonl'),
    /** The trained model as safetensors: weights + architecture, for `loadModel` and Python. */
    model: join(root, 'model.safetensors'),
    checkpoints: join(root, 'checkpoints'),
    plots: join(root, 'plots'),
  };
}
export type RunPaths = ReturnType<typeof runPaths>;

/**
 * Checks that --out may be written: refuses a directory that already holds a run (or any other
 * files) unless `force`, a path that is a file, and one whose parent cannot be written (the new
 * run is written beside --out, then moved into place).
 */
export function checkOutDir(dir: string, force: boolean): RunPaths {
  const paths = runPaths(dir);
  assertCreatable('--out', paths.root);
  if (!existsSync(paths.root)) return paths;
  if (!statSync(paths.root).isDirectory()) {
    throw new UsageError(`--out: '${paths.root}' exists and is not a directory`);
  }
  if (readdirSync(paths.root).length > 0 && !force) {
    const what = existsSync(paths.config) ? 'holds a run' : 'is not empty';
    throw new UsageError(`--out: '${paths.root}' ${what}; pass --force to overwrite it`);
  }
  return paths;
}

/**
 * Reads and checks a run's config.json. A missing one is a usage error naming <run>; an
 * unreadable, unparsable or damaged one names the file.
 */
export function readRunConfig(dir: string): { paths: RunPaths; config: RunConfig } {
  const paths = runPaths(dir);
  let text: string;
  try {
    text = readFileSync(paths.config, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new UsageError(
      `<run>: '${paths.root}' is not a gen run (cannot read ${paths.config}: ${code})`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`'${paths.config}' is corrupt: ${(error as Error).message}`);
  }
  return { paths, config: checkStoredConfig(value, paths.config) };
}

/** Writes a JSON document atomically, with a trailing newline. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
