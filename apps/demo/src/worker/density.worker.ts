/**
 * The density playground's training worker: hosts the run (`DensityRun`: data, model, its
 * @gen/train trainer, the evaluation grid) and returns each frame the page draws (heatmap values
 * as a Float32Array, moved not copied; data, samples, clusters; step and metric). Runs checkpoint
 * into IndexedDB from here (IndexedDB works in workers); the page keeps localStorage's record of
 * the latest run's settings.
 */
import type { Frame } from '../views/density/plot.js';
import { runStore } from '../views/density/saved-run.js';
import { DensityRun, type RunSettings } from '../views/density/session.js';
import { exposeWorker, moved } from './host.js';

/** A frame and where the run stands. */
export interface DensityFrame extends Frame {
  step: number;
  metric: number;
  metricName: string;
  stepsPerChunk: number;
}

/**
 * How a run uses IndexedDB: 'none' (unsaved), 'fresh' (checkpoints into the settings' store,
 * which the page has just emptied) or 'resume' (continues from that store's latest checkpoint).
 */
export type CheckpointMode = 'none' | 'fresh' | 'resume';

let run: DensityRun | undefined;

function current(): DensityRun {
  if (run === undefined) throw new Error('density worker: no run (call create first)');
  return run;
}

async function frame(): Promise<DensityFrame> {
  const r = current();
  const f = await r.frame();
  const buffers: ArrayBufferLike[] = [f.heat.buffer];
  if (f.clusters !== null) buffers.push(f.clusters.buffer);
  return moved(
    {
      ...f,
      step: r.steps,
      metric: r.metric,
      metricName: r.metricName,
      stepsPerChunk: r.stepsPerChunk,
    },
    buffers,
  );
}

const api = {
  /** Makes the run of `settings` (on `points` for drawn data) and returns its first frame. */
  async create(
    settings: RunSettings,
    mode: CheckpointMode,
    points?: number[][],
  ): Promise<DensityFrame> {
    run?.dispose();
    run = undefined;
    const store = mode === 'none' ? undefined : runStore(settings);
    run = await DensityRun.create(
      settings,
      store === undefined ? undefined : { store, resume: mode === 'resume' },
      points,
    );
    return frame();
  },
  /** One chunk of training, then a frame. */
  async train(): Promise<DensityFrame> {
    const r = current();
    await r.train(r.stepsPerChunk);
    return frame();
  },
  dispose(): void {
    run?.dispose();
    run = undefined;
  },
};

export type DensityWorkerApi = typeof api;

exposeWorker(api);
