import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { isReleasedRun } from '../run/released-model.js';
import { readRunConfig } from '../run/run-dir.js';
import { runTraining } from '../training/run-training.js';
import { buildModel, disposeData, loadTrain, startBackend } from '../training/session.js';
import { exitWith } from './train.js';

/** `gen resume <run>`: continues a run from its latest checkpoint to its configured steps. */
async function resume(dir: string, flags: { json?: boolean }): Promise<number> {
  const { config, paths } = readRunConfig(dir);
  if (isReleasedRun(paths)) {
    throw new UsageError(
      `<run>: '${paths.root}' is a released run (model.safetensors without checkpoints/): it cannot be resumed, having no optimiser or data state; train a new run with gen train`,
    );
  }
  await startBackend(config.backend);
  const train = await loadTrain(config);
  const built = buildModel(config, train, paths.config);
  const hasCheckpoint = existsSync(paths.checkpoints);
  try {
    return await runTraining({
      config,
      paths,
      train,
      built,
      resume: hasCheckpoint,
      json: flags.json ?? false,
    });
  } finally {
    built.dispose();
    disposeData(train);
  }
}

/** Registers `gen resume`. */
export function registerResume(program: Command): void {
  program
    .command('resume')
    .description('continue an interrupted run from its latest checkpoint to its configured steps')
    .argument('<run>', 'run directory written by gen train')
    .option('--json', 'print one JSON document')
    .action(async (dir: string, flags: { json?: boolean }) => exitWith(await resume(dir, flags)));
}
