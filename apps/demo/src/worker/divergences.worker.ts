/**
 * The divergences view's training worker: hosts the target mixture and one Gaussian fit per
 * divergence (`DivergenceFits`, on @gen/experiments' `GaussianFits`), steps them in chunks and
 * returns each read-back (objectives, μ, σ and the train/test matrix) with the step count. The
 * page only draws. `state` hands the fits over (plain data) to continue them after a backend
 * switch.
 */
import type { GaussianFitsState } from '@gen/experiments';
import { DivergenceFits, type FitName, type FitSnapshot } from '../views/divergences/fits.js';
import type { Component } from '../views/divergences/mixture.js';
import { exposeWorker } from './host.js';

/** What the page draws after a reset or a chunk. */
export interface DivergenceFrame {
  /** Steps taken since the fits started. */
  step: number;
  snapshot: FitSnapshot;
}

/** The fits as plain data: the step count and `GaussianFits.state`. */
export interface DivergenceRun {
  step: number;
  fits: GaussianFitsState<FitName>;
}

let fits: DivergenceFits | undefined;
let step = 0;

function current(): DivergenceFits {
  if (fits === undefined) throw new Error('divergences worker: no fits (call reset first)');
  return fits;
}

async function frame(names: readonly FitName[]): Promise<DivergenceFrame> {
  return { step, snapshot: await current().snapshot(names) };
}

const api = {
  /**
   * Starts the fits of `names` at `start` on the (normalised) mixture `components`, or continues
   * `restored` on it, and returns the first frame.
   */
  async reset(
    components: Component[],
    start: { mu: number; sigma: number },
    names: FitName[],
    restored?: DivergenceRun,
  ): Promise<DivergenceFrame> {
    fits?.dispose();
    fits = undefined;
    step = 0;
    const next = new DivergenceFits(components, start);
    if (restored !== undefined) {
      try {
        await next.restore(restored.fits);
      } catch (error) {
        next.dispose();
        throw error;
      }
      step = restored.step;
    }
    fits = next;
    return frame(names);
  },
  /** `steps` Adam steps of every fit in `names`, then a frame. */
  async train(names: FitName[], steps: number): Promise<DivergenceFrame> {
    await current().step(names, steps);
    step += steps;
    return frame(names);
  },
  /** A frame of `names` without training (after the selection changes). */
  snapshot(names: FitName[]): Promise<DivergenceFrame> {
    return frame(names);
  },
  /** The fits as plain data (to continue them in another worker). */
  async state(): Promise<DivergenceRun> {
    return { step, fits: await current().state() };
  },
  dispose(): void {
    fits?.dispose();
    fits = undefined;
  },
};

export type DivergencesWorkerApi = typeof api;

exposeWorker(api);
