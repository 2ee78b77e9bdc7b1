/**
 * The autoencoders view's training worker: hosts the MNIST digits (fetched here from the absolute
 * base URL the page passes), the autoencoder and its @gen/train trainer (`AeTrainer`), and
 * returns what the page draws: the held-out losses and, when asked, the panels (reconstruction
 * rows, the code map, the traversal of the picked digit) as Float32Arrays, moved not copied.
 */
import type { Corruption } from '@gen/vae';
import {
  type AeSettings,
  type AeSnapshot,
  AeTrainer,
  type HeldOut,
  type NoiseKind,
  type PanelData,
} from '../views/autoencoders/trainer.js';
import {
  disposeMnistTensors,
  loadMnistTensors,
  type MnistTensors,
} from '../views/vae/mnist-tensors.js';
import { exposeWorker, moved } from './host.js';

/** Where the run stands: step, settings in force, held-out losses, and panels when asked. */
export interface AeFrame {
  step: number;
  settings: AeSettings;
  /** The autoencoder's input corruption (null: a plain autoencoder). */
  noise: Corruption | null;
  held: HeldOut;
  /** The panels of the picked digit (null when not asked for). */
  panels: PanelData | null;
}

let data: MnistTensors | undefined;
let trainer: AeTrainer | undefined;

function current(): AeTrainer {
  if (trainer === undefined) throw new Error('autoencoders worker: no model (call reset first)');
  return trainer;
}

/** A copy of `a` with a buffer of its own (a backend's read-back may view memory it keeps). */
const own = (a: Float32Array) => a.slice();

async function frame(picked: number | null): Promise<AeFrame> {
  const t = current();
  const held = await t.heldOut();
  let panels: PanelData | null = null;
  const buffers: ArrayBufferLike[] = [];
  if (picked !== null) {
    const p = await t.panels(picked);
    panels = {
      inputs: own(p.inputs),
      corrupted: p.corrupted === null ? null : own(p.corrupted),
      reconstructions: own(p.reconstructions),
      codes: own(p.codes),
      stats: p.stats,
      traversal: own(p.traversal),
      pickedCode: own(p.pickedCode),
    };
    for (const a of [
      panels.inputs,
      panels.corrupted,
      panels.reconstructions,
      panels.codes,
      panels.traversal,
      panels.pickedCode,
    ]) {
      if (a !== null) buffers.push(a.buffer);
    }
  }
  return moved(
    { step: t.steps, settings: { ...t.settings }, noise: t.autoencoder.noise, held, panels },
    buffers,
  );
}

const api = {
  /**
   * Loads the digits from `base` (absolute: a worker resolves relative URLs against its own
   * script) and returns the test labels (for the code map's colours) and the test-set size.
   */
  async init(base: string): Promise<{ testLabels: Uint8Array; testCount: number }> {
    data = await loadMnistTensors(base);
    return { testLabels: data.testLabels.slice(), testCount: data.test.shape[0] };
  },
  /**
   * A new autoencoder with `settings`, or, with `restored`, that run continued (its weights, Adam's
   * state, step and settings); returns its frame with the panels of test digit `picked`.
   */
  async reset(settings: AeSettings, picked: number, restored?: AeSnapshot): Promise<AeFrame> {
    if (data === undefined) throw new Error('autoencoders worker: no data (call init first)');
    const next = new AeTrainer(data, settings, 0, restored);
    try {
      if (restored !== undefined) await next.begin();
    } catch (error) {
      next.dispose();
      throw error;
    }
    trainer?.dispose();
    trainer = next;
    return frame(picked);
  },
  /** `n` optimiser steps: the chunk's mean training loss and a frame (panels when `picked`). */
  async train(n: number, picked: number | null): Promise<{ batchLoss: number; frame: AeFrame }> {
    const batchLoss = await current().train(n);
    return { batchLoss, frame: await frame(picked) };
  },
  /** A frame of the model as it is (panels when `picked` is a digit). */
  frame,
  setLearningRate(v: number): void {
    current().setLearningRate(v);
  },
  setBatchSize(v: number): void {
    current().setBatchSize(v);
  },
  setNoise(kind: NoiseKind, level: number): void {
    current().setNoise(kind, level);
  },
  /** The run as @gen/train checkpoint bytes (to continue it in another worker). */
  async snapshot(): Promise<AeSnapshot> {
    const snap = await current().snapshot();
    return moved(snap, [snap.bytes.buffer]);
  },
  dispose(): void {
    trainer?.dispose();
    trainer = undefined;
    if (data !== undefined) disposeMnistTensors(data);
    data = undefined;
  },
};

export type AutoencodersWorkerApi = typeof api;

exposeWorker(api);
