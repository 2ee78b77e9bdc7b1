/**
 * The VAE view's training worker: hosts the MNIST digits (fetched here from the absolute base URL
 * the page passes), the released weights (decoded here from the bytes the page fetched and moved
 * over), the Vae and its @gen/train trainer (`VaeTrainer`), and returns what the page draws: the
 * held-out −ELBO and KL and, when asked, the panels (reconstructions, prior samples, the manifold
 * grid, the interpolation strip, the latent codes of the test digits) as Float32Arrays, moved not
 * copied.
 */

import {
  disposeMnistTensors,
  loadMnistTensors,
  type MnistTensors,
} from '../views/vae/mnist-tensors.js';
import {
  decodePretrainedVae,
  disposePretrainedVae,
  loadPretrainedVae,
  type PretrainedVae,
  pretrainedMismatch,
} from '../views/vae/pretrained-vae.js';
import {
  type Endpoints,
  type PanelData,
  panelBuffers,
  readInterpolation,
  readPanels,
} from '../views/vae/readback.js';
import {
  type HeldOut,
  type VaeSettings,
  type VaeSnapshot,
  VaeTrainer,
} from '../views/vae/trainer.js';
import { exposeWorker, moved } from './host.js';

/** What the trained model is, for the page's controls and origin line. */
export interface PretrainedInfo {
  architecture: string;
  steps: number | undefined;
  hiddenSize: number;
  latentSize: number;
}

/** What `init` found: the test labels and set size, and the trained model or why it is missing. */
export interface VaeInit {
  testLabels: Uint8Array;
  testCount: number;
  pretrained: PretrainedInfo | undefined;
  /** Why the trained model could not be decoded (undefined when it was, or no bytes came). */
  pretrainedError: string | undefined;
}

/**
 * Where the run stands: step, latent size, whether the model is conditional, held-out numbers,
 * and panels when asked.
 */
export interface VaeFrame {
  step: number;
  latentSize: number;
  /** A conditional VAE on the digit labels (its samples are one row per digit). */
  conditional: boolean;
  held: HeldOut;
  /** The panels (null when not asked for). */
  panels: PanelData | null;
}

/** A new model: where its weights came from and its first frame. */
export interface VaeBuilt {
  /** 'trained': the released weights; 'scratch': fresh ones (or a restored run: 'restored'). */
  origin: 'trained' | 'scratch' | 'restored';
  /** Why the trained weights do not fit these settings (then origin is 'scratch'). */
  mismatch: string | undefined;
  frame: VaeFrame;
}

let data: MnistTensors | undefined;
let pretrained: PretrainedVae | undefined;
let trainer: VaeTrainer | undefined;

function current(): VaeTrainer {
  if (trainer === undefined) throw new Error('vae worker: no model (call build first)');
  return trainer;
}

function loaded(): MnistTensors {
  if (data === undefined) throw new Error('vae worker: no data (call init first)');
  return data;
}

async function frame(ends: Endpoints | null): Promise<VaeFrame> {
  const t = current();
  const held = await t.heldOut();
  const panels = ends === null ? null : await readPanels(t, loaded(), ends);
  return moved(
    { step: t.steps, latentSize: t.vae.latentSize, conditional: t.conditional, held, panels },
    panels === null ? [] : panelBuffers(panels),
  );
}

const api = {
  /**
   * Loads the digits from `base` (absolute: a worker resolves relative URLs against its own
   * script) and decodes the trained weights from `bytes` (null when the page could not fetch
   * them); a file that does not decode is reported, and the view runs from scratch.
   */
  async init(base: string, bytes: Uint8Array | null): Promise<VaeInit> {
    data = await loadMnistTensors(base);
    let pretrainedError: string | undefined;
    if (bytes !== null) {
      try {
        pretrained = decodePretrainedVae(bytes);
      } catch (error) {
        pretrainedError = error instanceof Error ? error.message : String(error);
      }
    }
    const p = pretrained;
    const testLabels = data.testLabels.slice();
    return moved(
      {
        testLabels,
        testCount: data.test.shape[0],
        pretrained:
          p === undefined
            ? undefined
            : {
                architecture: p.architecture,
                steps: p.steps,
                hiddenSize: p.hiddenSize,
                latentSize: p.latentSize,
              },
        pretrainedError,
      },
      [testLabels.buffer],
    );
  },

  /**
   * A new model with `settings`: the trained weights when `trained` and they fit, else fresh
   * ones; or, with `restored`, that run continued (weights, Adam's state, step and settings).
   * Returns its frame with the panels between `ends`.
   */
  async build(
    settings: VaeSettings,
    trained: boolean,
    ends: Endpoints,
    restored?: VaeSnapshot,
  ): Promise<VaeBuilt> {
    const next = new VaeTrainer(loaded(), settings, 0, restored);
    let origin: VaeBuilt['origin'] = 'scratch';
    let mismatch: string | undefined;
    try {
      if (restored !== undefined) {
        await next.begin();
        origin = 'restored';
      } else if (trained && pretrained !== undefined) {
        mismatch = pretrainedMismatch(pretrained, next.vae);
        if (mismatch === undefined) {
          loadPretrainedVae(next.vae, pretrained);
          origin = 'trained';
        }
      }
    } catch (error) {
      next.dispose();
      throw error;
    }
    trainer?.dispose();
    trainer = next;
    return { origin, mismatch, frame: await frame(ends) };
  },

  /** `n` optimiser steps: the chunk's training loss and a frame (panels when `ends`). */
  async train(n: number, ends: Endpoints | null): Promise<{ batchLoss: number; frame: VaeFrame }> {
    const batchLoss = await current().train(n);
    return { batchLoss, frame: await frame(ends) };
  },

  /** A frame of the model as it is (panels when `ends` are given). */
  frame,

  /** The interpolation strip between `ends`. */
  async interpolation(ends: Endpoints): Promise<Float32Array> {
    const values = await readInterpolation(current(), loaded(), ends);
    return moved(values, [values.buffer]);
  },

  setLearningRate(v: number): void {
    current().setLearningRate(v);
  },

  setBatchSize(v: number): void {
    current().setBatchSize(v);
  },

  /** The run as @gen/train checkpoint bytes (to continue it in another worker). */
  async snapshot(): Promise<VaeSnapshot> {
    const snap = await current().snapshot();
    return moved(snap, [snap.bytes.buffer]);
  },

  dispose(): void {
    trainer?.dispose();
    trainer = undefined;
    if (pretrained !== undefined) disposePretrainedVae(pretrained);
    pretrained = undefined;
    if (data !== undefined) disposeMnistTensors(data);
    data = undefined;
  },
};

export type VaeWorkerApi = typeof api;

exposeWorker(api);
