import {
  assertInteger,
  FormatError,
  InvalidArgumentError,
  type ModelState,
  type NamedTensors,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { resolveStore } from '../resolve-store.js';
import type { HistoryEntry } from '../types.js';
import { decodeCheckpoint } from './format.js';
import type { CheckpointStore } from './store.js';
import type { TrainingHeader } from './training-state.js';

/** The user-facing part of a checkpoint. */
export interface CheckpointContents {
  /** The loop that wrote it: 'fit', 'fitAdversarial' or 'fitEm'. */
  fn: string;
  /** The run it belongs to (absent for checkpoints written before run ids existed). */
  runId?: string;
  step: number;
  epoch: number;
  history: HistoryEntry[];
  /** The model's weights by name, ready for `model.setWeights`; the caller disposes them. */
  weights: NamedTensors;
  /** The model's declared non-weight state (`getState()`), for `model.setState`, if any. */
  modelState?: ModelState;
}

/**
 * Reads the checkpoint of `step` (default: the latest) from a store or, in Node, a directory —
 * e.g. to load trained weights for sampling without resuming. A corrupted, truncated or foreign
 * checkpoint, or one holding NaN or ±Inf, throws `FormatError` naming its file.
 *
 * ```ts
 * const { weights, step } = await readCheckpoint('runs/gaussian');
 * model.setWeights(weights);
 * tf.dispose(weights);
 * ```
 */
export async function readCheckpoint(
  source: string | CheckpointStore,
  step?: number,
): Promise<CheckpointContents> {
  const fn = 'readCheckpoint';
  const store = await resolveStore(fn, 'source', source);
  if (step !== undefined) assertInteger(fn, 'step', step, 0);
  const target = step ?? (await store.latest());
  const bytes = target === undefined ? undefined : await store.load(target);
  if (bytes === undefined) {
    throw new InvalidArgumentError(
      `${fn}: argument 'source' holds no checkpoint${step === undefined ? '' : ` of step ${step}`}`,
    );
  }
  // Format errors name the checkpoint's file when the store knows it.
  const where =
    typeof store.locate === 'function' ? `${fn}: checkpoint '${store.locate(target!)}'` : fn;
  const { header, tensors } = decodeCheckpoint(bytes, where);
  const h = header as Partial<TrainingHeader> | null;
  if (h?.format !== 'gen-train-checkpoint' || h.version !== 1) {
    tf.dispose(tensors);
    throw new FormatError(`${where}: not a version-1 @gen/train checkpoint`);
  }
  const weights: NamedTensors = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith('model/')) weights[name.slice('model/'.length)] = t;
    else t.dispose();
  }
  const contents: CheckpointContents = {
    fn: h.fn!,
    step: h.step!,
    epoch: h.epoch!,
    history: h.history!,
    weights,
  };
  if (typeof h.runId === 'string') contents.runId = h.runId;
  if (h.modelState !== undefined) contents.modelState = h.modelState;
  return contents;
}
