import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../fs-atomic.js';
import type { RunConfig } from './config.js';

/** The files of a run directory. */
export function runPaths(dir: string) {
  const root = resolve(dir);
  return {
    root,
    config: join(root, 'config.json'),
    metrics: join(root, 'metrics.json'),
    checkpoints: join(root, 'checkpoints'),
    plots: join(root, 'plots'),
  };
}
export type RunPaths = ReturnType<typeof runPaths>;

/**
 * Checks that --out may be written: refuses a directory that already holds a run (or any other
 * files) unless `force`, and a path that is a file.
 */
export function checkOutDir(dir: string, force: boolean): RunPaths {
  const paths = runPaths(dir);
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

/** Reads a run's config.json; a missing or unreadable one is a usage error naming <run>. */
export function readRunConfig(dir: string): { paths: RunPaths; config: RunConfig } {
  const paths = runPaths(dir);
  let config: RunConfig;
  try {
    config = JSON.parse(readFileSync(paths.config, 'utf8')) as RunConfig;
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new UsageError(
      `<run>: '${paths.root}' is not a gen run (cannot read ${paths.config}: ${code})`,
    );
  }
  if (config.version !== 1 || typeof config.model !== 'string') {
    throw new UsageError(`<run>: '${paths.config}' is not a version-1 gen run config`);
  }
  return { paths, config };
}

/** Writes a JSON document atomically, with a trailing newline. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
