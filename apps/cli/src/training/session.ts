import { existsSync } from 'node:fs';
import { initBackend, Rng } from '@gen/core';
import { readCheckpoint } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { type Dataset, hasLabels, loadDataset } from '../data/datasets.js';
import { UsageError } from '../errors.js';
import type { BuiltModel, ModelFamily } from '../models/family.js';
import { familyOf } from '../models/registry.js';
import { type BackendChoice, conditionSizeOf, type RunConfig } from '../run/config.js';
import { namingFile } from '../run/name-file.js';
import { isReleasedRun, loadReleasedModel } from '../run/released-model.js';
import type { RunPaths } from '../run/run-dir.js';

/** Selects the backend ('auto' → wasm in Node); failure is a usage error naming --backend. */
export async function startBackend(backend: BackendChoice): Promise<string> {
  try {
    return await initBackend(backend);
  } catch (error) {
    throw new UsageError(
      `--backend: cannot start '${backend}': ${(error as Error).message.split('\n')[0]}`,
    );
  }
}

/**
 * Loads a split of `name` the way `family` needs it (grey images with `grey`, for dynamic
 * binarisation; the one-hot labels with `labels`, for a conditional model); rejects data kinds
 * it cannot model, and data without labels for a conditional one.
 */
export async function loadFor(
  family: ModelFamily,
  name: string,
  split: 'train' | 'test',
  limit: number | null,
  grey = false,
  labels = false,
): Promise<Dataset> {
  if (labels && !hasLabels(name)) {
    throw new UsageError(
      `--data: the class-conditional ${family.name} needs labelled data (mnist or fashion-mnist), got '${name}'`,
    );
  }
  const data = await loadDataset(name, {
    split,
    limit,
    binarize: family.binarize && !grey,
    labels,
  });
  if (!family.kinds.includes(data.info.kind)) {
    tf.dispose([data.x, ...(data.condition ? [data.condition] : [])]);
    const wants = family.kinds.includes('images')
      ? '28×28 images (mnist or fashion-mnist)'
      : 'continuous data (a 2-D toy or a CSV file)';
    throw new UsageError(`--data: model '${family.name}' needs ${wants}, got '${name}'`);
  }
  return data;
}

/** The training split of a run as its trainer reads it: grey images for dynamic binarisation. */
export const loadTrain = (config: RunConfig): Promise<Dataset> =>
  loadFor(
    familyOf(config.model),
    config.data,
    'train',
    config.limit,
    // Grey for dynamic binarisation, and for a model that takes grey images.
    config.binarize !== 'static',
    config.conditional,
  );

/** Disposes the tensors of a loaded data set. */
export const disposeData = (data: Dataset): void =>
  tf.dispose([data.x, ...(data.condition ? [data.condition] : [])]);

/**
 * Builds the model of a resolved config; library errors about its options name `source` (--config
 * for a new run, the run's config.json otherwise).
 */
export function buildModel(config: RunConfig, train: Dataset, source: string): BuiltModel {
  const family = familyOf(config.model);
  try {
    return family.build({
      data: train.info,
      arch: config.arch,
      seed: config.seed,
      loss: config.loss,
      options: config.options,
      conditionSize: conditionSizeOf(config),
    });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `${source}: cannot build model '${config.model}': ${(error as Error).message}`,
    );
  }
}

/**
 * The test split of a run's data for `family`: statically binarised when the run's training
 * images were binarised, grey when its model takes grey images.
 */
export const loadTest = (config: RunConfig, name: string, limit: number | null): Promise<Dataset> =>
  loadFor(
    familyOf(config.model),
    name,
    'test',
    limit,
    config.binarize === null,
    config.conditional,
  );

/** The held-out data for evaluation: the test split (toys: a fresh draw of the same size). */
export function testLimit(config: RunConfig, data: Dataset): number | null {
  if (data.info.kind === 'images') return Math.min(config.limit ?? 1000, 1000);
  return config.limit;
}

/**
 * Loads the trained weights of a run into `built` and returns their step: the latest checkpoint,
 * or for a released run (no checkpoints/) its model.safetensors; neither is a usage error naming
 * <run>.
 */
export async function loadTrained(
  built: BuiltModel,
  paths: RunPaths,
  config: RunConfig,
): Promise<number> {
  if (isReleasedRun(paths)) return loadReleasedModel(built.weights, paths, config);
  if (!existsSync(paths.checkpoints))
    throw new UsageError(`<run>: '${paths.root}' holds no checkpoint yet`);
  const { weights, step } = await namingFile(paths.checkpoints, () =>
    readCheckpoint(paths.checkpoints),
  );
  try {
    built.weights.setWeights(weights);
  } catch (error) {
    throw new UsageError(
      `'${paths.checkpoints}': the checkpoint of step ${step} does not fit the run's model: ${(error as Error).message}`,
    );
  } finally {
    tf.dispose(weights);
  }
  return step;
}

/** The Rng of the evaluation: fixed per run seed, so evaluations repeat exactly. */
export const evalRng = (seed: number) => Rng.fromSeed(seed + 7919);
