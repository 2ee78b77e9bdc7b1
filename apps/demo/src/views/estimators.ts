/**
 * View 2, gradient estimators: the variance of score-function, pathwise and measure-valued
 * estimates of ∇_{μ,σ} E_{N(μ,σ²)}[f(x; k)] against k for the cost functions of Mohamed et al.
 * (2020) §3. "Train" keeps adding independent repeats, so the estimates sharpen live. The
 * estimates are drawn in a Web Worker (`src/worker/estimators.worker.ts`) on the page's backend;
 * the page accumulates them and draws. A backend switch hands the run over (settings, running
 * moments, histories, the random stream's state) so the repeats continue where they were.
 */
import type { RngState } from '@gen/core';
import { h } from '../shell/dom.js';
import { formatNumber } from '../shell/format.js';
import { LossHistory, lossCurvePlot } from '../shell/loss-curve.js';
import { serial } from '../shell/serial.js';
import { throttledDraw } from '../shell/throttle.js';
import { rateElement, TrainLoop } from '../shell/train-loop.js';
import { startTrainingWorker } from '../worker/client.js';
import type { EstimatorsWorkerApi } from '../worker/estimators.worker.js';
import { buildControls } from './estimators/controls.js';
import { type Accumulators, estimatesTable, variancePlot } from './estimators/render.js';
import { RunningMoments, type RunningMomentsState } from './estimators/running-moments.js';
import {
  ESTIMATOR_IDS,
  ESTIMATOR_LABELS,
  type EstimatorId,
  type ProblemSettings,
  problemOf,
} from './estimators/sampler.js';
import type { DemoView } from './types.js';

/** Independent estimates per estimator and k of the first chunk after a (re)start. */
const FIRST_REPEATS = 16;
/** Independent estimates per estimator and k in one round of the worker while training. */
const REPEATS_PER_CHUNK = 64;
/**
 * Least time the worker spends on one chunk (ms): on a fast backend a chunk holds several rounds
 * of REPEATS_PER_CHUNK, so the page handles a few dozen messages a second, not hundreds.
 */
const CHUNK_MS = 40;
/** Growth of the repeats between two recorded points of the variance history. */
const RECORD_GROWTH = 1.03;
/** Least time between two redraws of the plots and the table (ms). */
const DRAW_INTERVAL = 500;

type HistoryPoint = { series: string; step: number; value: number };

/** What the view hands over across a backend switch. */
interface Suspended {
  kind: 'estimators/v1';
  settings: ProblemSettings;
  kIndex: number;
  moments: Record<EstimatorId, { loc: RunningMomentsState; scale: RunningMomentsState }>;
  /** Per grid point, the points of its variance history. */
  histories: HistoryPoint[][];
  rng: RngState;
}

function isSuspended(value: unknown): value is Suspended {
  return (value as Suspended | undefined)?.kind === 'estimators/v1';
}

function emptyAccumulators(size: number): Accumulators {
  const make = () => ({ loc: new RunningMoments(size), scale: new RunningMoments(size) });
  return { 'score-function': make(), pathwise: make(), 'measure-valued': make() };
}

/** The accumulators of `state` over `size` grid points (throws when they do not fit). */
function restoredAccumulators(state: Suspended['moments'], size: number): Accumulators {
  const restore = (id: EstimatorId) => ({
    loc: RunningMoments.fromState(state[id].loc, size),
    scale: RunningMoments.fromState(state[id].scale, size),
  });
  return {
    'score-function': restore('score-function'),
    pathwise: restore('pathwise'),
    'measure-valued': restore('measure-valued'),
  };
}

const view: DemoView = {
  id: 'estimators',
  title: 'Gradient estimators',
  async mount(root, ctx) {
    const train = h('button', { type: 'button', 'data-testid': 'train' }, 'Train');
    const stepText = h('span', { 'data-testid': 'step', class: 'stat' }, '0');
    const metricText = h('span', { 'data-testid': 'metric', class: 'stat' }, '—');
    const status = h('p', { class: 'note', role: 'status' });
    const backendNote = h('p', { class: 'note', 'data-testid': 'worker-note' });
    const rate = rateElement();
    const plots = [h('div', { class: 'plot' }), h('div', { class: 'plot' })] as const;
    const historyPlot = h('div', { class: 'plot', 'data-testid': 'variance-history' });
    const table = h('div', {});
    const controls = buildControls();
    root.append(
      h('h2', {}, 'Gradient estimators: which one is noisier, and when?'),
      h(
        'p',
        { class: 'lead' },
        'Variance of one gradient estimate of E[f(x; k)] under x ∼ N(μ, σ²), from N draws, against k ' +
          '(Mohamed et al. 2020, Figs 2–3): score function, pathwise (reparameterisation) and coupled ' +
          'measure-valued estimators of @gen/estimators. Train keeps adding repeats, so the curves sharpen.',
      ),
      h(
        'div',
        { class: 'toolbar' },
        train,
        h('span', {}, 'repeats ', stepText),
        h('span', {}, 'pathwise Var ∂μ at the selected k: ', metricText),
        rate,
      ),
      controls.element,
      backendNote,
      status,
      h(
        'div',
        { class: 'cards' },
        h('div', { class: 'card' }, h('h3', {}, 'Variance of ∂/∂μ'), plots[0]),
        h('div', { class: 'card' }, h('h3', {}, 'Variance of ∂/∂σ'), plots[1]),
        h(
          'div',
          { class: 'card' },
          h('h3', {}, 'Estimated Var ∂/∂μ at the selected k, over repeats'),
          historyPlot,
        ),
        h('div', { class: 'card wide' }, h('h3', {}, 'At the selected k'), table),
      ),
    );

    train.hidden = true;

    const restored = isSuspended(ctx.restored) ? ctx.restored : undefined;
    const worker = await startTrainingWorker<EstimatorsWorkerApi>(
      new Worker(new URL('../worker/estimators.worker.ts', import.meta.url), {
        type: 'module',
        name: 'estimators',
      }),
      ctx.backend(),
      ctx.signal,
    );
    backendNote.textContent = worker.backend.note;
    const exclusive = serial();
    let settings = controls.settings();
    let current = problemOf(settings);
    let moments = emptyAccumulators(current.cost.grid.length);
    // Per grid point, the running variance estimate of ∂/∂μ of each estimator after each chunk:
    // how fast the estimates settle (and how far apart the estimators stay) as repeats grow.
    const newHistories = (size: number) => Array.from({ length: size }, () => new LossHistory());
    let histories = newHistories(current.cost.grid.length);
    // Recorded at repeats growing geometrically (×RECORD_GROWTH): a few hundred points over any
    // run, dense where the estimates still move; a point per chunk would make tens of thousands
    // and every redraw of the history plot slower.
    let nextRecord = 0;
    const record = () => {
      const count = moments.pathwise.loc.count;
      if (count < 2 || count < nextRecord) return;
      nextRecord = Math.ceil(count * RECORD_GROWTH);
      histories.forEach((history, i) => {
        const values = ESTIMATOR_IDS.map((id) => moments[id].loc.variance(i));
        // Coupled MVD can be exactly 0 (float32 leaves ~1e−14): leave such points out of the log
        // plot rather than squash the others, as the variance plots do.
        const floor = Math.max(...values.filter(Number.isFinite)) * 1e-6;
        history.push(
          count,
          Object.fromEntries(
            ESTIMATOR_IDS.map((id, e) => [
              ESTIMATOR_LABELS[id],
              values[e]! > floor ? values[e]! : Number.NaN,
            ]),
          ),
        );
      });
    };

    const render = () => {
      stepText.textContent = String(moments.pathwise.loc.count);
      metricText.textContent = formatNumber(moments.pathwise.loc.variance(controls.kIndex()), {
        digits: 5,
      });
      scheduleDraw();
    };
    // The plots and the table are redrawn at most every DRAW_INTERVAL ms, in an animation frame.
    const drawPlots = () => {
      const i = controls.kIndex();
      const k = current.cost.grid[i]!;
      const exact = current.cost.exact.normal({ loc: current.mu, scale: current.sigma }, k);
      plots.forEach((plot, p) => {
        const param = p === 0 ? 'loc' : 'scale';
        const width = Math.max(280, plot.clientWidth);
        plot.replaceChildren(variancePlot(current.cost, moments, param, k, width));
      });
      table.replaceChildren(estimatesTable(current.cost, moments, i, exact.gradient));
      historyPlot.replaceChildren(
        lossCurvePlot(histories[i]!, {
          width: Math.max(280, historyPlot.clientWidth),
          smoothing: 0,
          xLabel: 'repeats',
          yLabel: 'Var ∂/∂μ (log)',
          logY: true,
        }),
      );
    };
    const scheduleDraw = throttledDraw(drawPlots, DRAW_INTERVAL, ctx.signal);
    /** One chunk: a single round of `repeats` when `minMs` is 0, else rounds for `minMs`. */
    const chunk = async (repeats = REPEATS_PER_CHUNK, minMs = CHUNK_MS) => {
      if (ctx.signal.aborted) return;
      // Marks a chunk in flight (tests wait for it to land after a pause).
      root.dataset.chunk = 'running';
      const drawn = await worker.api.draw(repeats, minMs).finally(() => {
        delete root.dataset.chunk;
      });
      if (ctx.signal.aborted) return;
      for (const id of ESTIMATOR_IDS) {
        moments[id].loc.push(drawn.loc[id], drawn.repeats);
        moments[id].scale.push(drawn.scale[id], drawn.repeats);
      }
      record();
      render();
    };
    const restart = () =>
      exclusive(async () => {
        // σ comes from a validated field: an invalid entry never reaches here, the last good σ
        // stays in force and the field says why.
        settings = controls.settings();
        current = problemOf(settings);
        await worker.api.configure(settings);
        moments = emptyAccumulators(current.cost.grid.length);
        histories = newHistories(current.cost.grid.length);
        nextRecord = 0;
        await chunk(FIRST_REPEATS, 0);
      });

    const loop = new TrainLoop({
      signal: ctx.signal,
      button: train,
      status,
      steps: () => moments.pathwise.loc.count,
      rate,
      chunk: () => exclusive(() => chunk()),
    });
    controls.onChange((what) => void (what === 'k' ? exclusive(async () => render()) : restart()));
    // The button appears once the first estimates are on screen, so step and metric are real.
    if (restored !== undefined) {
      try {
        await exclusive(async () => {
          controls.apply(restored.settings, restored.kIndex);
          const shown = controls.settings();
          if (
            JSON.stringify(shown) !== JSON.stringify(restored.settings) ||
            controls.kIndex() !== restored.kIndex
          ) {
            throw new Error('the settings do not fit the controls');
          }
          const problem = problemOf(shown);
          const size = problem.cost.grid.length;
          const accumulators = restoredAccumulators(restored.moments, size);
          if (restored.histories.length !== size) throw new Error('the history does not fit');
          await worker.api.configure(shown, restored.rng);
          settings = shown;
          current = problem;
          moments = accumulators;
          histories = restored.histories.map((points) => {
            const history = new LossHistory();
            for (const p of points) history.push(p.step, { [p.series]: p.value });
            return history;
          });
          nextRecord = Math.ceil(moments.pathwise.loc.count * RECORD_GROWTH);
          render();
          status.textContent = `Continued at ${moments.pathwise.loc.count} repeats on ${worker.backend.active}.`;
        });
      } catch (error) {
        status.textContent = `The estimates could not be continued (${(error as Error).message}); started over.`;
        await restart();
      }
    } else {
      await restart();
    }
    train.hidden = false;
    return {
      async suspend(): Promise<Suspended> {
        loop.pause();
        return exclusive(async () => {
          const state = (id: EstimatorId) => ({
            loc: moments[id].loc.state(),
            scale: moments[id].scale.state(),
          });
          return {
            kind: 'estimators/v1' as const,
            settings,
            kIndex: controls.kIndex(),
            moments: {
              'score-function': state('score-function'),
              pathwise: state('pathwise'),
              'measure-valued': state('measure-valued'),
            },
            histories: histories.map((history) =>
              history.rows(0).map(({ series, step, value }) => ({ series, step, value })),
            ),
            rng: await worker.api.rngState(),
          };
        });
      },
      dispose() {
        loop.pause();
        worker.terminate();
      },
    };
  },
};

export default view;
