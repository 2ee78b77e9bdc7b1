/**
 * The estimators view's worker: holds the three gradient estimators and the random stream
 * (`Rng.fromSeed(2020)`), and draws each chunk's independent estimates on the page's backend.
 * The page accumulates them: each chunk comes back as flat Float32Arrays, moved not copied. The
 * stream's state goes to the page on a backend switch, so the next worker continues it.
 */
import { type GradientEstimator, Rng, type RngState } from '@gen/core';
import {
  drawEstimates,
  ESTIMATOR_IDS,
  type EstimatorId,
  effectiveBaseline,
  makeEstimators,
  type Problem,
  type ProblemSettings,
  problemOf,
} from '../views/estimators/sampler.js';
import { exposeWorker, moved } from './host.js';

/** One chunk: per estimator, `repeats` estimates at every k, row-major [repeats, K]. */
export interface EstimatesChunk {
  repeats: number;
  loc: Record<EstimatorId, Float32Array>;
  scale: Record<EstimatorId, Float32Array>;
}

let rng = Rng.fromSeed(2020);
let run: { problem: Problem; estimators: Record<EstimatorId, GradientEstimator> } | undefined;

const api = {
  /**
   * Sets the problem (new estimators; the stream goes on), or with `stream` also continues the
   * stream where a previous worker left it.
   */
  configure(settings: ProblemSettings, stream?: RngState): void {
    const next = stream === undefined ? rng : Rng.fromState(stream);
    run = { problem: problemOf(settings), estimators: makeEstimators(effectiveBaseline(settings)) };
    rng = next;
  },
  /**
   * Independent estimates per estimator and k, in rounds of `repeats`, until at least `minMs`
   * milliseconds have passed (one round when 0): a fast backend answers with more repeats
   * rather than more messages, so the page is not flooded.
   */
  async draw(repeats: number, minMs = 0): Promise<EstimatesChunk> {
    if (run === undefined) throw new Error('estimators worker: no problem (call configure first)');
    const { problem, estimators } = run;
    const start = performance.now();
    const rounds: { loc: Float32Array; scale: Float32Array }[][] = [];
    do {
      const round: { loc: Float32Array; scale: Float32Array }[] = [];
      for (const id of ESTIMATOR_IDS) {
        round.push(await drawEstimates(estimators[id], problem, repeats, rng));
      }
      rounds.push(round);
    } while (performance.now() - start < minMs);
    const join = (e: number, key: 'loc' | 'scale') => {
      const parts = rounds.map((round) => round[e]![key]);
      const out = new Float32Array(parts.reduce((n, part) => n + part.length, 0));
      let offset = 0;
      for (const part of parts) {
        out.set(part, offset);
        offset += part.length;
      }
      return out;
    };
    const chunk: EstimatesChunk = {
      repeats: repeats * rounds.length,
      loc: Object.fromEntries(ESTIMATOR_IDS.map((id, e) => [id, join(e, 'loc')])),
      scale: Object.fromEntries(ESTIMATOR_IDS.map((id, e) => [id, join(e, 'scale')])),
    } as EstimatesChunk;
    return moved(
      chunk,
      ESTIMATOR_IDS.flatMap((id) => [chunk.loc[id].buffer, chunk.scale[id].buffer]),
    );
  },
  /** Where the random stream stands (to continue it in another worker). */
  rngState(): RngState {
    return rng.getState();
  },
};

export type EstimatorsWorkerApi = typeof api;

exposeWorker(api);
