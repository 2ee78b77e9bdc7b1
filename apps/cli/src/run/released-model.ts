import { existsSync, readFileSync } from 'node:fs';
import type { HasWeights } from '@gen/core';
import { fromSafetensors } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { UsageError } from '../errors.js';
import type { RunConfig } from './config.js';
import { namingFile } from './name-file.js';
import type { RunPaths } from './run-dir.js';

/**
 * Whether a run is a released one: its trained `model.safetensors` without `checkpoints/` (the
 * optimiser state of a checkpoint triples its size, so published runs leave them out). It
 * samples and evaluates like any run but cannot be resumed.
 */
export const isReleasedRun = (paths: RunPaths): boolean =>
  !existsSync(paths.checkpoints) && existsSync(paths.model);

/** The step a released run was trained to: metrics.json's `step`, else its configured steps. */
function releasedStep(paths: RunPaths, run: { steps?: unknown } | undefined): number {
  const isStep = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  if (existsSync(paths.metrics)) {
    let step: unknown;
    try {
      step = (JSON.parse(readFileSync(paths.metrics, 'utf8')) as { step?: unknown }).step;
    } catch (error) {
      throw new UsageError(`'${paths.metrics}' is corrupt: ${(error as Error).message}`);
    }
    if (isStep(step)) return step;
  }
  if (isStep(run?.steps)) return run.steps;
  throw new UsageError(
    `'${paths.model}': no step to report: neither '${paths.metrics}' (step) nor the file's gen.run metadata (steps) says how long it was trained`,
  );
}

/** The first path at which two JSON values differ, e.g. `options.seed`; undefined if equal. */
function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null;
  if (!isObject(a) || !isObject(b) || Array.isArray(a) !== Array.isArray(b)) {
    return a === b ? undefined : path;
  }
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const found = firstDifference(a[key], b[key], path === '' ? key : `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Checks the architecture a file records (`gen.config`, its model's `toConfig()`) against the
 * model config.json builds. Weights of the right shapes are not enough: a MADE's masks come from
 * its seed and ordering options, not from its weights.
 */
function checkArchitecture(
  target: HasWeights,
  metadata: Record<string, string>,
  file: string,
  configFile: string,
): void {
  const toConfig = (target as { toConfig?: () => unknown }).toConfig;
  const recorded = metadata['gen.config'];
  if (typeof toConfig !== 'function' || recorded === undefined) return;
  let stored: unknown;
  try {
    stored = JSON.parse(recorded);
  } catch (error) {
    throw new UsageError(
      `'${file}': its gen.config metadata is corrupt: ${(error as Error).message}`,
    );
  }
  const built = JSON.parse(JSON.stringify(toConfig.call(target))) as unknown;
  const at = firstDifference(stored, built, '');
  if (at === undefined) return;
  const value = (v: unknown) =>
    JSON.stringify(
      at === '' ? v : at.split('.').reduce((o, k) => (o as Record<string, unknown>)?.[k], v),
    );
  throw new UsageError(
    `'${file}' does not fit the model of '${configFile}': the file's architecture (gen.config) has ${at || 'the value'} = ${value(stored)}, the config's model ${value(built)}`,
  );
}

/**
 * Loads a released run's `model.safetensors` into `target` (the model its config.json builds)
 * and returns the step it was trained to. A file that is not safetensors, was written for
 * another model or architecture, or whose weights do not fit (names, shapes, NaN) is a usage
 * error naming it.
 */
export async function loadReleasedModel(
  target: HasWeights,
  paths: RunPaths,
  config: RunConfig,
): Promise<number> {
  const file = paths.model;
  const { weights, metadata } = await namingFile(file, async () =>
    fromSafetensors(readFileSync(file)),
  );
  try {
    let run: { model?: unknown; steps?: unknown } | undefined;
    try {
      run = metadata['gen.run'] === undefined ? undefined : JSON.parse(metadata['gen.run']);
    } catch (error) {
      throw new UsageError(
        `'${file}': its gen.run metadata is corrupt: ${(error as Error).message}`,
      );
    }
    if (run !== undefined && run.model !== config.model) {
      throw new UsageError(
        `'${file}' holds a ${JSON.stringify(run.model)} model, but '${paths.config}' describes a '${config.model}'`,
      );
    }
    checkArchitecture(target, metadata, file, paths.config);
    const step = releasedStep(paths, run);
    try {
      target.setWeights(weights);
    } catch (error) {
      throw new UsageError(
        `'${file}' does not fit the model of '${paths.config}': ${(error as Error).message}`,
      );
    }
    return step;
  } finally {
    tf.dispose(weights);
  }
}
