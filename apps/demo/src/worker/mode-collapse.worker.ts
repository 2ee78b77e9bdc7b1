/**
 * The mode-collapse view's training worker: hosts the GAN and its @gen/train trainer
 * (`ModeCollapseTrainer`), and returns what the page draws (samples as a flat Float32Array,
 * moved not copied; mode coverage; losses) after each chunk.
 */
import type { ModeCoverage } from '@gen/gan';
import type { ModeCollapseSettings } from '../views/mode-collapse/settings.js';
import {
  ModeCollapseTrainer,
  type StepLosses,
  type TrainerSnapshot,
} from '../views/mode-collapse/trainer.js';
import { exposeWorker, moved } from './host.js';

/** What the page draws after a chunk. */
export interface ModeCollapseFrame {
  step: number;
  /** Generator samples in data units, x₀ y₀ x₁ y₁ … */
  samples: Float32Array;
  coverage: ModeCoverage;
  centers: number[][];
  std: number;
}

let trainer: ModeCollapseTrainer | undefined;

function current(): ModeCollapseTrainer {
  if (trainer === undefined) throw new Error('mode-collapse worker: no run (call reset first)');
  return trainer;
}

async function frame(): Promise<ModeCollapseFrame> {
  const t = current();
  const { samples, coverage } = await t.evaluate();
  const flat = new Float32Array(samples.flat());
  return moved({ step: t.steps, samples: flat, coverage, centers: t.centers, std: t.std }, [
    flat.buffer,
  ]);
}

const api = {
  /** Starts a new run with `settings` (or continues `restored`) and returns its first frame. */
  async reset(
    settings: ModeCollapseSettings,
    restored?: TrainerSnapshot,
  ): Promise<ModeCollapseFrame> {
    trainer?.dispose();
    trainer = undefined;
    trainer = new ModeCollapseTrainer(settings, restored);
    // The trainer reads its checkpoint when it starts: start it now, so the step is the run's.
    if (restored !== undefined) await trainer.train(0);
    return frame();
  },
  /** `n` generator steps, then the losses of the chunk and a frame. */
  async train(n: number): Promise<{ losses: StepLosses; frame: ModeCollapseFrame }> {
    const losses = await current().train(n);
    return { losses, frame: await frame() };
  },
  /** The run as @gen/train checkpoint bytes (to continue it in another worker). */
  async snapshot(): Promise<TrainerSnapshot> {
    const snap = await current().snapshot();
    return moved(snap, [snap.bytes.buffer]);
  },
  dispose(): void {
    trainer?.dispose();
    trainer = undefined;
  },
};

export type ModeCollapseWorkerApi = typeof api;

exposeWorker(api);
