/**
 * The DCGAN view's training worker: hosts the MNIST digits (fetched here from the absolute base
 * URL the page passes), the released weights (decoded here from the bytes the page fetched and
 * moved over), the model and its @gen/train trainer (`DcganTrainer`), and returns what the page
 * draws (64 samples, the interpolation row: grey levels as Float32Arrays, moved not copied; the
 * critic's loss on a fixed batch) and each chunk's losses.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GRID, PATH_STEPS } from '../views/dcgan/constants.js';
import { normalLatents, slerpPath } from '../views/dcgan/latent.js';
import {
  DCGAN_OPTIONS,
  decodePretrainedDcgan,
  disposePretrainedDcgan,
  loadPretrainedDcgan,
  type PretrainedDcgan,
} from '../views/dcgan/pretrained-dcgan.js';
import {
  type DcganSettings,
  type DcganSnapshot,
  DcganTrainer,
  equilibriumDiscriminatorLoss,
  type StepLosses,
} from '../views/dcgan/trainer.js';
import {
  disposeMnistTensors,
  loadMnistTensors,
  type MnistTensors,
} from '../views/vae/mnist-tensors.js';
import { exposeWorker, moved } from './host.js';

/** What {@link api.init} found: the trained model (or why not) and the equilibrium loss. */
export interface DcganInit {
  /** The trained model's architecture in words and its steps, when it decoded. */
  pretrained: { architecture: string; steps: number | undefined } | undefined;
  /** Why the trained model is missing (a failed fetch's message comes from the page). */
  error: string | undefined;
  /** The discriminator's loss at D = ½ (2·log 2 for the non-saturating loss). */
  equilibrium: number;
}

/** Which latent draws the page shows: the seeds of the grid and of the two endpoints. */
export interface DcganDraws {
  gridSeed: number;
  endsSeed: number;
  /** The grid draw whose first 64 latents make the headline metric's fakes. */
  fixedSeed: number;
}

/** What the page draws. */
export interface DcganFrame {
  step: number;
  /** G on the grid latents, 64 images of 784 grey levels. */
  samples: Float32Array;
  /** G along the slerp path, {@link PATH_STEPS} images. */
  path: Float32Array;
  /** The critic's loss on the first 64 training digits and G's images of the fixed draw. */
  discriminatorLoss: number;
}

let data: MnistTensors | undefined;
let real: tf.Tensor2D | undefined;
let pretrained: PretrainedDcgan | undefined;
let trainer: DcganTrainer | undefined;
const latents = new Map<string, Float32Array>();

function current(): DcganTrainer {
  if (trainer === undefined) throw new Error('dcgan worker: no model (call build first)');
  return trainer;
}

async function draw(n: number, seed: number): Promise<Float32Array> {
  const key = `${n}:${seed}`;
  let z = latents.get(key);
  if (z === undefined) {
    z = await normalLatents(n, DCGAN_OPTIONS.latentSize, seed);
    latents.set(key, z);
  }
  return z;
}

async function frame(draws: DcganDraws): Promise<DcganFrame> {
  const t = current();
  if (real === undefined) throw new Error('dcgan worker: no data (call init first)');
  const fixed = await draw(GRID * GRID, draws.fixedSeed);
  const evaluation = await t.evaluate(real, fixed);
  const samples =
    draws.gridSeed === draws.fixedSeed
      ? evaluation.samples
      : await t.images(await draw(GRID * GRID, draws.gridSeed));
  const d = DCGAN_OPTIONS.latentSize;
  const ends = await draw(2, draws.endsSeed);
  const path = await t.images(slerpPath(ends.subarray(0, d), ends.subarray(d), PATH_STEPS));
  // A backend's read-back may be a view of memory it keeps: move copies of our own.
  const out = { samples: samples.slice(), path: path.slice() };
  return moved({ step: t.steps, ...out, discriminatorLoss: evaluation.discriminatorLoss }, [
    out.samples.buffer,
    out.path.buffer,
  ]);
}

const api = {
  /**
   * Loads the digits from `base` (absolute: a worker resolves relative URLs against its own
   * script) and decodes the trained weights from `bytes` (null when the page could not fetch
   * them).
   */
  async init(base: string, bytes: Uint8Array | null): Promise<DcganInit> {
    data = await loadMnistTensors(base);
    real = tf.slice(data.train, [0, 0], [GRID * GRID, -1]);
    let error: string | undefined;
    if (bytes !== null) {
      try {
        pretrained = decodePretrainedDcgan(bytes);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    }
    return {
      pretrained:
        pretrained === undefined
          ? undefined
          : { architecture: pretrained.architecture, steps: pretrained.steps },
      error,
      equilibrium: await equilibriumDiscriminatorLoss(DCGAN_OPTIONS.loss ?? 'non-saturating'),
    };
  },
  /**
   * A new model with `settings`: the trained weights (`trained`, when they loaded) or fresh ones;
   * or, with `restored`, that run continued (its weights, optimiser states, step and settings).
   * Returns the step it starts at.
   */
  async build(
    trained: boolean,
    settings: DcganSettings,
    restored?: DcganSnapshot,
  ): Promise<number> {
    if (data === undefined) throw new Error('dcgan worker: no data (call init first)');
    const next = new DcganTrainer(data.train, settings, 0, restored);
    try {
      if (restored !== undefined) await next.begin();
      else if (trained && pretrained !== undefined) loadPretrainedDcgan(next.gan, pretrained);
    } catch (error) {
      next.dispose();
      throw error;
    }
    trainer?.dispose();
    trainer = next;
    return next.steps;
  },
  /** `n` generator steps; the losses, the step and (when `draws` is given) a frame. */
  async train(
    n: number,
    draws: DcganDraws | null,
  ): Promise<{ losses: StepLosses; step: number; frame: DcganFrame | null }> {
    const t = current();
    const losses = await t.train(n);
    return { losses, step: t.steps, frame: draws === null ? null : await frame(draws) };
  },
  frame,
  setLearningRate(v: number): void {
    current().setLearningRate(v);
  },
  setBatchSize(v: number): void {
    current().setBatchSize(v);
  },
  setDiscriminatorSteps(v: number): void {
    current().setDiscriminatorSteps(v);
  },
  /** The run as @gen/train checkpoint bytes (to continue it in another worker). */
  async snapshot(): Promise<DcganSnapshot> {
    const snap = await current().snapshot();
    return moved(snap, [snap.bytes.buffer]);
  },
  dispose(): void {
    trainer?.dispose();
    trainer = undefined;
    real?.dispose();
    real = undefined;
    if (data !== undefined) disposeMnistTensors(data);
    data = undefined;
    if (pretrained !== undefined) disposePretrainedDcgan(pretrained);
    pretrained = undefined;
  },
};

export type DcganWorkerApi = typeof api;

exposeWorker(api);
