import * as tf from '@tensorflow/tfjs-core';
import type { Command } from 'commander';
import { resolveDataName } from '../data/datasets.js';
import { UsageError } from '../errors.js';
import { evaluate } from '../evaluation/evaluate.js';
import { printJson, printTable } from '../output.js';
import { LIMITS, parseInteger } from '../run/parse.js';
import { readRunConfig } from '../run/run-dir.js';
import {
  buildModel,
  disposeData,
  evalRng,
  loadTest,
  loadTrain,
  loadTrained,
  startBackend,
  testLimit,
} from '../training/session.js';

interface EvalFlags {
  data?: string;
  limit?: string;
  json?: boolean;
}

/**
 * `gen eval <run> [--data …]`: the metrics that apply to the model (NLL, ELBO/IWAE,
 * reconstruction error, MMD², sliced Wasserstein, mode coverage) on held-out data — the run's
 * test split by default.
 */
async function evalRun(dir: string, flags: EvalFlags): Promise<void> {
  const limit =
    flags.limit === undefined ? undefined : parseInteger('--limit', flags.limit, 2, LIMITS.rows);
  const dataName = flags.data === undefined ? undefined : resolveDataName(flags.data);
  const { config, paths } = readRunConfig(dir);
  await startBackend(config.backend);
  const train = await loadTrain(config);
  const built = buildModel(config, train, paths.config);
  try {
    const step = await loadTrained(built, paths, config);
    const name = dataName ?? config.data;
    const test = await loadTest(config, name, limit ?? testLimit(config, train));
    if (test.info.dim !== train.info.dim) {
      disposeData(test);
      throw new UsageError(
        `--data: '${name}' has ${test.info.dim} columns, the model ${train.info.dim}`,
      );
    }
    const { metrics, samples } = await evaluate(
      built,
      test,
      config.evalSamples,
      evalRng(config.seed),
      `the run '${paths.root}' at step ${step}`,
    );
    disposeData(test);
    tf.dispose(samples ? [samples] : []);
    const report = {
      run: paths.root,
      model: config.model,
      step,
      data: name,
      rows: test.info.n,
      metrics,
    };
    if (flags.json) return printJson(report);
    process.stdout.write(
      `${config.model} at step ${step} on ${name} (${test.info.n} held-out rows)\n\n`,
    );
    printTable(['metric', 'value'], Object.entries(metrics));
  } finally {
    built.dispose();
    disposeData(train);
  }
}

/** Registers `gen eval`. */
export function registerEval(program: Command): void {
  program
    .command('eval')
    .description(
      'evaluate a trained run on held-out data (NLL, ELBO/IWAE, MMD, sliced Wasserstein, mode coverage)',
    )
    .argument('<run>', 'run directory written by gen train')
    .option('--data <name>', "evaluate on this data set instead of the run's test split")
    .option('--limit <n>', 'at most n held-out rows')
    .option('--json', 'print one JSON document')
    .action(evalRun);
}
