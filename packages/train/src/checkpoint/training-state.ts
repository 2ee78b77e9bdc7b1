import {
  FormatError,
  type HasWeights,
  InvalidArgumentError,
  type ModelState,
  type NamedTensors,
  Rng,
  type RngState,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { DataPosition } from '../data/batch-source.js';
import { captureOptimizer, type OptimizerManifest, restoreOptimizer } from '../optimizer-state.js';
import type { Callback, HistoryEntry } from '../types.js';
import { decodeCheckpoint, encodeCheckpoint } from './format.js';
import type { CheckpointStore } from './store.js';

/** Everything a run needs to continue exactly; the JSON header of a checkpoint. */
export interface TrainingHeader {
  format: 'gen-train-checkpoint';
  version: 1;
  /** The loop that wrote it: 'fit', 'fitAdversarial' or 'fitEm' (`createTrainer` writes the same). */
  fn: string;
  /**
   * The run this checkpoint belongs to: random, made when a run starts fresh and kept by every
   * resume. Absent in checkpoints written before run ids existed (a resumed one keeps none).
   */
  runId?: string;
  step: number;
  epoch: number;
  /** Settings that must match on resume (batch size, dataset size, discriminator steps…). */
  settings: Record<string, number | boolean | string | null>;
  data: DataPosition;
  rngs: Record<string, RngState>;
  optimizers: Record<string, OptimizerManifest>;
  callbacks: unknown[];
  history: HistoryEntry[];
  /** The model's `getState()`, when it declares non-weight state. */
  modelState?: ModelState;
  /** The loop's own state (e.g. EM's last lower bound). */
  loopState?: unknown;
}

/** A model as checkpoints see it: weights, and optionally declared non-weight state. */
export interface StatefulModel extends HasWeights {
  getState?(): ModelState;
  setState?(state: ModelState): void;
}

/** The live objects a checkpoint is taken from and restored into (`rngs` entries are replaced). */
export interface TrainingParts {
  model: StatefulModel;
  optimizers: Record<string, tf.Optimizer>;
  rngs: Record<string, Rng>;
  callbacks: readonly Callback[];
}

const stateful = (callbacks: readonly Callback[]) =>
  callbacks.filter((c) => typeof c.getState === 'function' && typeof c.setState === 'function');

/** Serialises the run (model weights, optimiser slots, Rng states, data position, history). */
export async function captureTraining(
  parts: TrainingParts,
  header: Omit<
    TrainingHeader,
    'format' | 'version' | 'rngs' | 'optimizers' | 'callbacks' | 'modelState'
  >,
): Promise<Uint8Array> {
  const tensors: NamedTensors = {};
  try {
    for (const [name, t] of Object.entries(parts.model.getWeights())) tensors[`model/${name}`] = t;
    const optimizers: Record<string, OptimizerManifest> = {};
    for (const [name, optimizer] of Object.entries(parts.optimizers)) {
      const saved = await captureOptimizer(header.fn, optimizer, `optimizer/${name}`);
      optimizers[name] = saved.manifest;
      Object.assign(tensors, saved.tensors);
    }
    const full: TrainingHeader = {
      format: 'gen-train-checkpoint',
      version: 1,
      ...header,
      rngs: Object.fromEntries(Object.entries(parts.rngs).map(([k, r]) => [k, r.getState()])),
      optimizers,
      callbacks: stateful(parts.callbacks).map((c) => c.getState!()),
    };
    if (typeof parts.model.getState === 'function') {
      // A JSON round trip now, so a state that cannot be saved fails at the first checkpoint.
      full.modelState = JSON.parse(JSON.stringify(parts.model.getState())) as ModelState;
    }
    return await encodeCheckpoint(full, tensors);
  } finally {
    tf.dispose(tensors);
  }
}

function checkHeader(
  fn: string,
  where: string,
  kind: string,
  header: unknown,
  settings: TrainingHeader['settings'],
) {
  const h = header as Partial<TrainingHeader> | null;
  if (h?.format !== 'gen-train-checkpoint' || h.version !== 1) {
    throw new FormatError(`${where}: not a version-1 @gen/train checkpoint`);
  }
  if (h.fn !== kind) {
    throw new InvalidArgumentError(
      `${fn}: argument 'resume' holds a checkpoint of ${h.fn}, but this run trains with ${kind}`,
    );
  }
  for (const [key, value] of Object.entries(settings)) {
    if (h.settings?.[key] !== value) {
      throw new InvalidArgumentError(
        `${fn}: argument 'resume' was written with ${key} ${h.settings?.[key]}, but this run has ${key} ${value}; an exact resume needs the same setting`,
      );
    }
  }
  return h as TrainingHeader;
}

/**
 * Loads the latest checkpoint of `store` into `parts` and returns its header (the caller restores
 * the data position). Throws when the store is empty or the checkpoint does not fit the run.
 */
export async function restoreTraining(
  fn: string,
  kind: string,
  store: CheckpointStore,
  parts: TrainingParts,
  settings: TrainingHeader['settings'],
): Promise<TrainingHeader> {
  const step = await store.latest();
  const bytes = step === undefined ? undefined : await store.load(step);
  if (bytes === undefined) {
    throw new InvalidArgumentError(`${fn}: argument 'resume' holds no checkpoint`);
  }
  // Format errors name the checkpoint's file when the store knows it.
  const where =
    typeof store.locate === 'function' ? `${fn}: checkpoint '${store.locate(step!)}'` : fn;
  const { header, tensors } = decodeCheckpoint(bytes, where);
  try {
    const h = checkHeader(fn, where, kind, header, settings);
    const weights: NamedTensors = {};
    for (const [name, t] of Object.entries(tensors)) {
      if (name.startsWith('model/')) weights[name.slice('model/'.length)] = t;
    }
    try {
      parts.model.setWeights(weights);
    } catch (error) {
      throw new FormatError(
        `${where}: the checkpoint's weights do not fit the model: ${(error as Error).message}`,
        { cause: error },
      );
    }
    restoreModelState(where, parts.model, h);
    for (const [name, optimizer] of Object.entries(parts.optimizers)) {
      const manifest = h.optimizers[name];
      if (manifest === undefined)
        throw new FormatError(`${where}: checkpoint lacks optimizer '${name}'`);
      await restoreOptimizer(fn, optimizer, manifest, tensors, `optimizer/${name}`);
    }
    for (const name of Object.keys(parts.rngs)) {
      const state = h.rngs[name];
      if (state === undefined) throw new FormatError(`${where}: checkpoint lacks Rng '${name}'`);
      parts.rngs[name] = Rng.fromState(state);
    }
    const targets = stateful(parts.callbacks);
    if (targets.length !== h.callbacks.length) {
      throw new InvalidArgumentError(
        `${fn}: argument 'callbacks' has ${targets.length} stateful callbacks, the checkpoint ${h.callbacks.length}; resume with the same callbacks`,
      );
    }
    targets.forEach((c, i) => {
      c.setState!(h.callbacks[i]);
    });
    return h;
  } finally {
    tf.dispose(tensors);
  }
}

function restoreModelState(fn: string, model: StatefulModel, h: TrainingHeader): void {
  const declares = typeof model.setState === 'function';
  if (!declares) return;
  if (h.modelState === undefined) {
    throw new FormatError(
      `${fn}: the checkpoint holds no model state, but the model declares some (getState/setState); it was written for another model`,
    );
  }
  try {
    model.setState!(h.modelState);
  } catch (error) {
    throw new FormatError(
      `${fn}: the checkpoint's model state does not fit the model: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
