import { readFileSync } from 'node:fs';
import type { NamedTensors } from '@gen/core';
import type { GaussianMixture } from '@gen/mixture';
import type { HistoryEntry } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { writeJson } from '../run/run-dir.js';

/** A mixture's checkpoint: EM has no optimiser or data-order state, only the parameters. */
export interface MixtureCheckpoint {
  step: number;
  /** EM converged (or ran all its steps): a resume has nothing left to do. */
  done: boolean;
  history: HistoryEntry[];
  weights: Record<string, { shape: number[]; values: number[] }>;
}

/** Writes the mixture's parameters (float32 values are exact as JSON doubles) atomically. */
export async function saveMixture(
  path: string,
  gm: GaussianMixture,
  state: Omit<MixtureCheckpoint, 'weights'>,
): Promise<void> {
  const named = gm.getWeights();
  const weights: MixtureCheckpoint['weights'] = {};
  for (const [name, t] of Object.entries(named)) {
    weights[name] = { shape: t.shape, values: Array.from(await t.data()) };
  }
  tf.dispose(named);
  await writeJson(path, { ...state, weights });
}

/** Reads a mixture checkpoint; `undefined` when there is none. */
export function readMixture(
  path: string,
): { state: MixtureCheckpoint; weights: NamedTensors } | undefined {
  let state: MixtureCheckpoint;
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as MixtureCheckpoint;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
  const weights: NamedTensors = {};
  for (const [name, { shape, values }] of Object.entries(state.weights)) {
    weights[name] = tf.tensor(values, shape, 'float32');
  }
  return { state, weights };
}
