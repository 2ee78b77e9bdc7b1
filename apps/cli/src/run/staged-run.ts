import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { processAlive } from '@gen/core/node';
import { type CheckpointStore, fileCheckpointStore } from '@gen/train/node';
import { UsageError } from '../errors.js';
import { ioMessage, isSystemError } from '../exit-error.js';
import type { RunConfig } from './config.js';
import { type RunPaths, runPaths, writeJson } from './run-dir.js';

const SIBLING = /^(.*)\.(tmp|old)-(\d+)-[0-9a-f]+$/;

/**
 * Removes the staging and replaced directories (`<out>.tmp-<pid>-…`, `<out>.old-<pid>-…`) that a
 * `gen train` killed with SIGKILL left beside `root`, when the process that made them is gone.
 */
async function removeStale(root: string): Promise<void> {
  const names = await readdir(dirname(root)).catch(() => [] as string[]);
  for (const name of names) {
    const match = SIBLING.exec(name);
    if (match?.[1] === basename(root) && !processAlive(Number(match[3]))) {
      await rm(join(dirname(root), name), { recursive: true, force: true });
    }
  }
}

const sibling = (root: string, kind: 'tmp' | 'old') =>
  `${root}.${kind}-${process.pid}-${randomBytes(4).toString('hex')}`;

/**
 * A new run written beside its --out directory and moved into place by its first checkpoint, so
 * a run that fails before then (a bad flag caught late, a NaN loss, a full disk) leaves no
 * half-made run directory, and `--force` replaces an existing run only once the new one has a
 * checkpoint: rename the old run away, rename the new one in, then delete the old one.
 */
export class StagedRun {
  private committed = false;
  private readonly stores: Record<'staged' | 'final', CheckpointStore>;

  private constructor(
    /** Where the run ends up; metrics and plots are written there after training. */
    readonly paths: RunPaths,
    private readonly staging: RunPaths,
  ) {
    this.stores = {
      staged: fileCheckpointStore(staging.checkpoints),
      final: fileCheckpointStore(paths.checkpoints),
    };
  }

  /** Creates the staging directory beside `paths.root` and writes the run's config.json there. */
  static async create(paths: RunPaths, config: RunConfig): Promise<StagedRun> {
    const staging = runPaths(sibling(paths.root, 'tmp'));
    const run = new StagedRun(paths, staging);
    try {
      await mkdir(dirname(paths.root), { recursive: true });
      await removeStale(paths.root);
      await mkdir(staging.root);
      await writeJson(staging.config, config);
    } catch (error) {
      await run.discard().catch(() => undefined);
      const why = isSystemError(error) ? ioMessage(error) : (error as Error).message;
      throw new UsageError(`--out: cannot write the run '${paths.root}': ${why}`);
    }
    return run;
  }

  /** The run's files where they are now: beside --out until the first checkpoint, then in it. */
  get current(): RunPaths {
    return this.committed ? this.paths : this.staging;
  }

  /** The checkpoint store of the run: the first save moves the run into place. */
  get store(): CheckpointStore {
    const current = () => this.stores[this.committed ? 'final' : 'staged'];
    return {
      save: async (step, bytes) => {
        await current().save(step, bytes);
        await this.commit();
      },
      load: (step) => current().load(step),
      latest: () => current().latest(),
      list: () => current().list(),
    };
  }

  /** Moves the run into place, replacing whatever --out held (only what --force allowed). */
  async commit(): Promise<void> {
    if (this.committed) return;
    const { root } = this.paths;
    if (existsSync(root)) {
      const old = sibling(root, 'old');
      await rename(root, old);
      try {
        await rename(this.staging.root, root);
      } catch (error) {
        await rename(old, root);
        throw error;
      }
      this.committed = true;
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(this.staging.root, root);
      this.committed = true;
    }
  }

  /** Deletes the staging directory of a run that never reached its first checkpoint. */
  async discard(): Promise<void> {
    if (!this.committed) await rm(this.staging.root, { recursive: true, force: true });
  }
}
