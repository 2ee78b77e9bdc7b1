/**
 * View 2, gradient estimators: the variance of score-function, pathwise and measure-valued
 * estimates of ∇_{μ,σ} E_{N(μ,σ²)}[f(x; k)] against k for the cost functions of Mohamed et al.
 * (2020) §3. "Train" keeps adding independent repeats, so the estimates sharpen live.
 */
import { Rng } from '@gen/core';
import { h } from '../shell/dom.js';
import { formatNumber } from '../shell/format.js';
import { LossHistory, lossCurvePlot } from '../shell/loss-curve.js';
import { serial } from '../shell/serial.js';
import { throttledDraw } from '../shell/throttle.js';
import { rateElement, TrainLoop } from '../shell/train-loop.js';
import { buildControls, MU } from './estimators/controls.js';
import { type Accumulators, estimatesTable, variancePlot } from './estimators/render.js';
import { RunningMoments } from './estimators/running-moments.js';
import {
  drawEstimates,
  ESTIMATOR_IDS,
  ESTIMATOR_LABELS,
  makeEstimators,
  type Problem,
} from './estimators/sampler.js';
import type { DemoView } from './types.js';

/** Independent estimates per estimator and k added by each chunk. */
const REPEATS_PER_CHUNK = 16;
/** Least time between two redraws of the plots and the table (ms). */
const DRAW_INTERVAL = 250;

function emptyAccumulators(size: number): Accumulators {
  const make = () => ({ loc: new RunningMoments(size), scale: new RunningMoments(size) });
  return { 'score-function': make(), pathwise: make(), 'measure-valued': make() };
}

const view: DemoView = {
  id: 'estimators',
  title: 'Gradient estimators',
  async mount(root, ctx) {
    const train = h('button', { type: 'button', 'data-testid': 'train' }, 'Train');
    const stepText = h('span', { 'data-testid': 'step', class: 'stat' }, '0');
    const metricText = h('span', { 'data-testid': 'metric', class: 'stat' }, '—');
    const status = h('p', { class: 'note', role: 'status' });
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

    const exclusive = serial();
    const rng = Rng.fromSeed(2020);
    const problem = (): Problem => ({
      cost: controls.cost(),
      mu: MU,
      sigma: controls.sigma(),
      samples: controls.samples(),
    });
    let current = problem();
    let estimators = makeEstimators(controls.baseline());
    let moments = emptyAccumulators(current.cost.grid.length);
    // Per grid point, the running variance estimate of ∂/∂μ of each estimator after each chunk:
    // how fast the estimates settle (and how far apart the estimators stay) as repeats grow.
    const newHistories = (size: number) => Array.from({ length: size }, () => new LossHistory());
    let histories = newHistories(current.cost.grid.length);
    const record = () => {
      const count = moments.pathwise.loc.count;
      if (count < 2) return;
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
    const chunk = async () => {
      for (const id of ESTIMATOR_IDS) {
        const { loc, scale } = await drawEstimates(estimators[id], current, REPEATS_PER_CHUNK, rng);
        if (ctx.signal.aborted) return;
        moments[id].loc.push(loc, REPEATS_PER_CHUNK);
        moments[id].scale.push(scale, REPEATS_PER_CHUNK);
      }
      record();
      render();
    };
    const restart = () =>
      exclusive(async () => {
        // σ comes from a validated field: an invalid entry never reaches here, the last good σ
        // stays in force and the field says why.
        const next = problem();
        current = next;
        estimators = makeEstimators(controls.baseline());
        moments = emptyAccumulators(current.cost.grid.length);
        histories = newHistories(current.cost.grid.length);
        await chunk();
      });

    const loop = new TrainLoop({
      signal: ctx.signal,
      button: train,
      status,
      steps: () => moments.pathwise.loc.count,
      rate,
      chunk: () => exclusive(chunk),
    });
    controls.onChange((what) => void (what === 'k' ? exclusive(async () => render()) : restart()));
    // The button appears once the first estimates are on screen, so step and metric are real.
    train.hidden = true;
    await exclusive(chunk);
    train.hidden = false;
    return {
      dispose() {
        loop.pause();
      },
    };
  },
};

export default view;
