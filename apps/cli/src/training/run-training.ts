import { relative } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/datasets.js';
import { EXIT } from '../errors.js';
import { evaluate } from '../evaluation/evaluate.js';
import type { BuiltModel, ModelFamily } from '../models/family.js';
import { printJson, printTable } from '../output.js';
import { writePlots } from '../plots/write-plots.js';
import type { RunConfig } from '../run/config.js';
import { type RunPaths, writeJson } from '../run/run-dir.js';
import { abortOnSignals } from './interrupt.js';
import { Progress } from './progress.js';
import { evalRng, loadFor, testLimit } from './session.js';
import { type TrainOutcome, trainModel } from './train-model.js';

export interface RunInput {
  config: RunConfig;
  paths: RunPaths;
  family: ModelFamily;
  train: Dataset;
  built: BuiltModel;
  resume: boolean;
  json: boolean;
}

async function interrupted(
  input: RunInput,
  outcome: TrainOutcome,
  seconds: number,
): Promise<number> {
  const { paths, json } = input;
  const report = {
    run: paths.root,
    status: 'interrupted',
    step: outcome.step,
    steps: input.config.steps,
    seconds,
  };
  await writeJson(paths.metrics, { ...report, history: outcome.history });
  if (json) printJson(report);
  process.stderr.write(
    `gen: interrupted at step ${outcome.step}/${input.config.steps}; checkpoint saved in ${paths.checkpoints}\n` +
      `gen: continue with: gen resume ${relative(process.cwd(), paths.root) || '.'}\n`,
  );
  return EXIT.interrupted;
}

/**
 * Trains (or resumes) a run, then evaluates it on held-out data, writes `metrics.json` and the
 * plots, and prints a summary (one JSON document with --json). Ctrl-C (SIGINT) or SIGTERM stops
 * at the next step, saves a checkpoint and metrics so far, and returns exit code 130.
 */
export async function runTraining(input: RunInput): Promise<number> {
  const { config, paths, family, train, built, json } = input;
  const controller = new AbortController();
  const release = abortOnSignals(controller);
  const progress = new Progress(config.steps, { json });
  const start = performance.now();
  const x = built.prepare(train.x);
  let outcome: TrainOutcome;
  try {
    outcome = await trainModel(built, x, {
      config,
      paths,
      signal: controller.signal,
      progress,
      resume: input.resume,
    });
  } finally {
    progress.stop();
    x.dispose();
  }
  const seconds = Number(((performance.now() - start) / 1000).toFixed(2));
  if (outcome.stopReason === 'aborted') {
    release();
    return interrupted(input, outcome, seconds);
  }
  const test = await loadFor(family, config.data, 'test', testLimit(config, train));
  const { metrics, samples } = await evaluate(
    built,
    test,
    config.evalSamples,
    evalRng(config.seed),
  );
  const title = `${config.model} on ${train.info.kind === 'points' && config.data.endsWith('.csv') ? 'csv' : config.data}`;
  const plots = await writePlots(paths.plots, {
    title,
    history: outcome.history,
    built,
    train,
    samples,
  });
  tf.dispose([test.x, ...(samples ? [samples] : [])]);
  const report = {
    run: paths.root,
    status: 'completed',
    stopReason: outcome.stopReason,
    step: outcome.step,
    steps: config.steps,
    seconds,
    evaluation: metrics,
    plots,
  };
  await writeJson(paths.metrics, { ...report, history: outcome.history });
  release();
  if (json) {
    printJson(report);
    return EXIT.ok;
  }
  const last = outcome.history.at(-1);
  process.stdout.write(
    `trained ${config.model} on ${config.data}: ${outcome.step} steps in ${seconds} s (${outcome.stopReason})\n`,
  );
  if (last)
    process.stdout.write(
      `final ${Object.entries(last)
        .filter(([k]) => k !== 'epoch')
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}\n\n`,
    );
  printTable(
    ['metric', 'value'],
    Object.entries(metrics).map(([k, v]) => [k, v]),
  );
  process.stdout.write(
    `\nwrote ${paths.config}\n      ${paths.metrics}\n      ${paths.checkpoints}/\n`,
  );
  for (const p of plots) process.stdout.write(`      ${p}\n`);
  return EXIT.ok;
}
