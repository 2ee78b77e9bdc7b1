/**
 * The sequential view's worker: hosts the released PixelCNN and its pixel-by-pixel sampler, and
 * the RealNVP flow with its @gen/train trainer. Each call returns what the page draws — the
 * pixels and probabilities drawn so far, the per-layer point sets, grid lines and log-dets — as
 * typed arrays moved (not copied) to the page, which only draws and animates.
 */
import type { PixelCnn } from '@gen/autoregressive';
import { Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import {
  type FlowCheckpoint,
  FlowRun,
  type FlowSettings,
  type LayerSnapshot,
} from '../views/sequential/flow-layers.js';
import {
  fetchPretrainedPixelCnn,
  PixelSampler,
  type PixelSamplerState,
} from '../views/sequential/pixel-sampler.js';
import { exposeWorker, moved } from './host.js';

/** The architecture of the loaded PixelCNN, for the page's caption. */
export interface PixelCnnInfo {
  layers: number;
  kernelSize: number;
  channels: number;
}

/** A batch of digits as it stands: copies, moved to the page. */
export interface PixelFrame {
  n: number;
  width: number;
  size: number;
  /** Raster index of the next pixel (= pixels drawn per digit). */
  drawn: number;
  done: boolean;
  pixels: Float32Array;
  probabilities: Float32Array;
  logLikelihood: Float64Array;
  next: Float32Array;
  /** Pixels drawn per digit by this call, and the milliseconds its network passes took. */
  count: number;
  ms: number;
}

/** A flow run's progress; `snapshot` when asked for. */
export interface FlowFrame {
  step: number;
  /** Mean NLL of the last chunk (of all the data right after a (re)start). */
  nll: number;
  snapshot?: LayerSnapshot;
}

/** Where a batch stands, to continue it on another backend. */
export interface SamplerSuspended {
  seed: number;
  batch: number;
  state: PixelSamplerState;
}

let model: PixelCnn | undefined;
let sampler: PixelSampler | undefined;
let flow: FlowRun | undefined;

function pixelFrame(s: PixelSampler, count: number, ms: number): PixelFrame {
  const frame: PixelFrame = {
    n: s.n,
    width: s.width,
    size: s.size,
    drawn: s.drawn,
    done: s.done,
    pixels: s.pixels.slice(),
    probabilities: s.probabilities.slice(),
    logLikelihood: s.logLikelihood.slice(),
    next: s.next.slice(),
    count,
    ms,
  };
  return frame;
}

function pixelBuffers(f: PixelFrame): ArrayBufferLike[] {
  return [f.pixels.buffer, f.probabilities.buffer, f.logLikelihood.buffer, f.next.buffer];
}

function snapshotBuffers(s: LayerSnapshot): ArrayBufferLike[] {
  return [
    ...s.samples.map((a) => a.buffer),
    ...s.grid.map((a) => a.buffer),
    s.gridLine.buffer,
    s.quadrant.buffer,
  ];
}

function currentFlow(): FlowRun {
  if (flow === undefined) throw new Error('sequential worker: no flow (call newFlow first)');
  return flow;
}

let seedOf = 0;
let batchOf = 0;

const api = {
  /** Fetches and rebuilds the released PixelCNN from `url` (absolute: resolved by the page). */
  async loadPixelCnn(url: string): Promise<PixelCnnInfo> {
    model?.dispose();
    model = undefined;
    model = await fetchPretrainedPixelCnn(url);
    const { layers, kernelSize, channels } = model.toConfig().options as Record<string, number>;
    return { layers: layers!, kernelSize: kernelSize!, channels: channels! };
  },

  /**
   * A new batch of `n` digits seeded by `seed` and the batch number (as the view always did),
   * or, with `restored`, that batch continued where it stood.
   */
  async newBatch(
    n: number,
    seed: number,
    batch: number,
    restored?: PixelSamplerState,
  ): Promise<PixelFrame> {
    if (model === undefined) throw new Error('sequential worker: no PixelCNN loaded');
    sampler?.dispose();
    sampler = undefined;
    seedOf = seed;
    batchOf = batch;
    if (restored !== undefined) {
      sampler = await PixelSampler.restore(model, restored);
    } else {
      sampler = new PixelSampler(model, n, Rng.fromSeed(seed + 7919 * batch));
      await sampler.readNext();
    }
    const frame = pixelFrame(sampler, 0, 0);
    return moved(frame, pixelBuffers(frame));
  },

  /** Draws up to `count` more pixels of every digit. */
  async sample(count: number): Promise<PixelFrame> {
    const s = sampler;
    if (s === undefined) throw new Error('sequential worker: no batch (call newBatch first)');
    const start = performance.now();
    const drawn = await s.step(count);
    const frame = pixelFrame(s, drawn, performance.now() - start);
    return moved(frame, pixelBuffers(frame));
  },

  /** A new flow run of `settings` (or `restored` continued) and its first frame with a snapshot. */
  async newFlow(
    settings: FlowSettings,
    shown: number,
    restored?: FlowCheckpoint,
  ): Promise<{ frame: FlowFrame; data: Float32Array }> {
    flow?.dispose();
    flow = undefined;
    const run = new FlowRun(settings, restored);
    flow = run;
    await run.start();
    const head = tf.slice(run.data, [0, 0], [shown, 2]);
    // A copy: on cpu a slice's data may be a view of the training data, which moving would detach.
    const data = ((await head.data()) as Float32Array).slice();
    head.dispose();
    const nll = await run.nll();
    const snapshot = await run.snapshot();
    return moved({ frame: { step: run.step, nll, snapshot }, data }, [
      data.buffer,
      ...snapshotBuffers(snapshot),
    ]);
  },

  /** `chunks` chunks of FLOW_STEPS_PER_CHUNK steps; with `snapshot`, the layers after. */
  async trainFlow(chunks: number, snapshot: boolean): Promise<FlowFrame> {
    const run = currentFlow();
    let nll = Number.NaN;
    for (let i = 0; i < chunks; i++) nll = await run.train();
    if (!snapshot) return { step: run.step, nll };
    const layers = await run.snapshot();
    return moved({ step: run.step, nll, snapshot: layers }, snapshotBuffers(layers));
  },

  /** The layers as the flow stands. */
  async flowSnapshot(): Promise<LayerSnapshot> {
    const layers = await currentFlow().snapshot();
    return moved(layers, snapshotBuffers(layers));
  },

  /** Everything needed to continue on another backend: the batch and the flow's checkpoint. */
  async suspend(): Promise<{ sampler?: SamplerSuspended; flow?: FlowCheckpoint }> {
    const saved = flow === undefined ? undefined : await flow.checkpoint();
    // A copy of the store's bytes is moved; the store keeps its own.
    const checkpoint = saved === undefined ? undefined : { ...saved, bytes: saved.bytes.slice() };
    const state = sampler?.state();
    const out: { sampler?: SamplerSuspended; flow?: FlowCheckpoint } = {};
    const buffers: ArrayBufferLike[] = [];
    if (checkpoint !== undefined) {
      out.flow = checkpoint;
      buffers.push(checkpoint.bytes.buffer);
    }
    if (state !== undefined) {
      out.sampler = { seed: seedOf, batch: batchOf, state };
      buffers.push(state.pixels.buffer, state.probabilities.buffer, state.logLikelihood.buffer);
    }
    return moved(out, buffers);
  },

  dispose(): void {
    sampler?.dispose();
    sampler = undefined;
    flow?.dispose();
    flow = undefined;
    model?.dispose();
    model = undefined;
  },
};

export type SequentialWorkerApi = typeof api;

exposeWorker(api);
