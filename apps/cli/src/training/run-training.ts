import { relative } from 'node:path';
import { saveModel } from '@gen/nn/node';
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/datasets.js';
import { EXIT, signalExit } from '../errors.js';
import { evaluate } from '../evaluation/evaluate.js';
import type { BuiltModel } from '../models/family.js';
import { printJson, printTable } from '../output.js';
import { writePlots } from '../plots/write-plots.js';
import type { RunConfig } from '../run/config.js';
import { namingFile } from '../run/name-file.js';
import { type RunPaths, writeJson } from '../run/run-dir.js';
import type { StagedRun } from '../run/staged-run.js';
import { abortOnSignals } from './interrupt.js';
import { Progress } from './progress.js';
import { disposeData, evalRng, loadTest, testLimit } from './session.js';
import { type TrainOutcome, trainModel } from './train-model.js';

export interface RunInput {
  config: RunConfig;
  paths: RunPaths;
  train: Dataset;
  built: BuiltModel;
  /** A fresh run: written beside `paths.root` and moved there by its first checkpoint. */
  staged?: StagedRun;
  /** Continue from the run's latest checkpoint (`gen resume` of a run that has one). */
  resume: boolean;
  json: boolean;
}

async function interrupted(
  input: RunInput,
  outcome: TrainOutcome,
  seconds: number,
  signal: NodeJS.Signals,
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
  return signalExit(signal);
}

/** Trains to the end or to a signal; a fresh run that fails before its first checkpoint is removed. */
async function trainRun(input: RunInput, signal: AbortSignal): Promise<TrainOutcome> {
  const { config, paths, built, staged } = input;
  const progress = new Progress(config.steps, { json: input.json });
  const x = built.prepare(input.train.x);
  try {
    const outcome = await namingFile(paths.checkpoints, () =>
      trainModel(built, x, input.train.condition, {
        config,
        checkpoint: staged ? { store: staged.store } : { dir: paths.checkpoints },
        signal,
        progress,
        metricsLog: staged ? () => staged.current.metricsLog : paths.metricsLog,
        ...(input.resume ? { resume: paths.checkpoints } : {}),
      }),
    );
    // A run that ends without a checkpoint write (none configured to fall due) is still complete.
    await staged?.commit();
    return outcome;
  } catch (error) {
    await staged?.discard();
    throw error;
  } finally {
    progress.stop();
    x.dispose();
  }
}

/**
 * Trains (or resumes) a run, then evaluates it on held-out data, writes `metrics.json` and the
 * plots, and prints a summary (one JSON document with --json). SIGINT or SIGTERM stops at the
 * next step, saves a checkpoint and metrics so far, and returns exit code 130 or 143.
 */
export async function runTraining(input: RunInput): Promise<number> {
  const controller = new AbortController();
  const signals = abortOnSignals(controller);
  try {
    const start = performance.now();
    const outcome = await trainRun(input, controller.signal);
    signals.trainingDone();
    const seconds = Number(((performance.now() - start) / 1000).toFixed(2));
    if (outcome.stopReason === 'aborted') {
      return await interrupted(input, outcome, seconds, controller.signal.reason as NodeJS.Signals);
    }
    return await finish(input, outcome, seconds);
  } finally {
    signals.release();
  }
}

async function finish(input: RunInput, outcome: TrainOutcome, seconds: number): Promise<number> {
  const { config, paths, train, built, json } = input;
  // Written once training is over and the run is in place (a staged run is committed by then),
  // before the evaluation, so a failed evaluation still leaves the trained model.
  await saveModel(built.weights, paths.model, { 'gen.run': JSON.stringify(config) });
  const test = await loadTest(config, config.data, testLimit(config, train));
  const { metrics, samples } = await evaluate(
    built,
    test,
    config.evalSamples,
    evalRng(config.seed),
    `the run '${paths.root}' at step ${outcome.step}`,
  ).catch((error: unknown) => {
    disposeData(test);
    throw error;
  });
  const title = `${config.model} on ${train.info.kind === 'points' && config.data.endsWith('.csv') ? 'csv' : config.data}`;
  const plots = await writePlots(paths.plots, {
    title,
    history: outcome.history,
    built,
    train,
    samples,
  });
  disposeData(test);
  tf.dispose(samples ? [samples] : []);
  const report = {
    run: paths.root,
    status: 'completed',
    stopReason: outcome.stopReason,
    step: outcome.step,
    steps: config.steps,
    seconds,
    evaluation: metrics,
    model: paths.model,
    plots,
  };
  await writeJson(paths.metrics, { ...report, history: outcome.history });
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
    `\nwrote ${paths.config}\n      ${paths.metrics}\n      ${paths.metricsLog}\n      ${paths.model}\n      ${paths.checkpoints}/\n`,
  );
  for (const p of plots) process.stdout.write(`      ${p}\n`);
  return EXIT.ok;
}
