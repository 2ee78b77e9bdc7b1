/**
 * View 3, density playground: pick a 2-D data set (`makeToy`) and a model — a Gaussian mixture
 * fitted by EM (data coloured by cluster), a MADE with mixture-of-Gaussians conditionals, a
 * RealNVP flow, a VAE, or a GAN with any loss of the zoo — and watch its samples and its density
 * (for the VAE: the ELBO; for the GAN: the discriminator) evolve as it trains. The run trains in
 * a Web Worker (`src/worker/density.worker.ts`) on the page's backend; the page only draws. Runs
 * checkpoint into IndexedDB after every chunk; a reload offers to resume the latest run or start
 * over, and a backend switch continues it at once.
 */

import { h } from '../shell/dom.js';
import { LossHistory, lossCurvePlot } from '../shell/loss-curve.js';
import { serial } from '../shell/serial.js';
import { throttledDraw } from '../shell/throttle.js';
import { rateElement, TrainLoop } from '../shell/train-loop.js';
import { startTrainingWorker } from '../worker/client.js';
import type { CheckpointMode, DensityFrame, DensityWorkerApi } from '../worker/density.worker.js';
import { buildControls } from './density/controls.js';
import { drawingPlot, pointerToData } from './density/draw.js';
import { DensityPlot } from './density/plot.js';
import './density/style.css';
import { findSavedRun, freshRunStore, runStore } from './density/saved-run.js';
import { MIN_CUSTOM_POINTS, type RunSettings } from './density/session.js';
import { formatPlain } from './mode-collapse/history.js';
import type { DemoView } from './types.js';

/** What the view hands over across a backend switch (the weights are in IndexedDB). */
interface Suspended {
  kind: 'density/v1';
  settings: RunSettings;
  step: number;
  objective: { series: string; step: number; value: number }[];
}

function isSuspended(value: unknown): value is Suspended {
  return (value as Suspended | undefined)?.kind === 'density/v1';
}

/** Least time between two redraws of the plots (ms). */
const DRAW_INTERVAL = 500;

/** Window height (px) kept free above the square plot: its legend and the card's edge. */
const PLOT_HEADROOM = 80;

const view: DemoView = {
  id: 'density',
  title: 'Density playground',
  async mount(root, ctx) {
    const train = h('button', { type: 'button', 'data-testid': 'train' }, 'Train');
    const reset = h('button', { type: 'button' }, 'Reset');
    const stepText = h('span', { 'data-testid': 'step', class: 'stat' }, '0');
    const metricText = h('span', { 'data-testid': 'metric', class: 'stat' }, '—');
    const metricLabel = h('span', { 'data-testid': 'metric-name' }, 'metric');
    const rate = rateElement();
    const status = h('p', { class: 'note', role: 'status' });
    const backendNote = h('p', { class: 'note', 'data-testid': 'worker-note' });
    const resume = h('button', { type: 'button', 'data-testid': 'resume' }, 'Resume');
    const startOver = h('button', { type: 'button', 'data-testid': 'start-over' }, 'Start over');
    const offer = h('p', { class: 'toolbar', 'data-testid': 'saved-run' });
    // The toolbar class sets `display`, which `hidden` loses to.
    const showOffer = (shown: boolean) => {
      offer.style.display = shown ? '' : 'none';
    };
    showOffer(false);
    const plot = h('div', { class: 'plot', 'aria-label': 'density heatmap, data and samples' });
    const curve = h('div', { class: 'plot', 'aria-label': 'training objective over steps' });
    const controls = buildControls();
    const clearDrawing = h(
      'button',
      { type: 'button', 'data-testid': 'clear-drawing' },
      'Clear drawn points',
    );
    const drawingBar = h(
      'p',
      { class: 'toolbar', 'data-testid': 'drawing' },
      'Custom data: drag on the plot to add points; each stroke starts a new run on them. ',
      clearDrawing,
    );
    root.append(
      h('h2', {}, 'Density playground'),
      h(
        'p',
        { class: 'lead' },
        'White dots: the data (coloured by cluster for the Gaussian mixture); red dots: samples ' +
          'of the model; background: the model’s log-density (exact for the mixture, MADE and ' +
          'flow; for a VAE its lower bound, the ELBO; for a GAN, which has none: the ' +
          'discriminator’s logit). Models train on the data scaled into [−2, 2]², in a Web ' +
          'Worker. The mixture starts from k-means++ seeds (data points as centres, not fitted) and EM fits it step by step.',
      ),
      h(
        'div',
        { class: 'toolbar' },
        train,
        reset,
        h('span', {}, 'step ', stepText),
        h('span', {}, metricLabel, ' ', metricText),
        rate,
      ),
      controls.element,
      drawingBar,
      offer,
      backendNote,
      status,
      h(
        'div',
        { class: 'density-cards' },
        h('div', { class: 'card' }, plot),
        h('div', { class: 'card' }, h('h3', {}, 'Training objective'), curve),
      ),
    );
    train.hidden = true;

    const restored = isSuspended(ctx.restored) ? ctx.restored : undefined;
    const worker = await startTrainingWorker<DensityWorkerApi>(
      new Worker(new URL('../worker/density.worker.ts', import.meta.url), {
        type: 'module',
        name: 'density training',
      }),
      ctx.backend(),
      ctx.signal,
    );
    backendNote.textContent = worker.backend.note;
    const exclusive = serial();
    let last: DensityFrame | undefined;
    let steps = 0;
    const objective = new LossHistory();

    let drawn: number[][] = [];
    const custom = () => controls.settings().dataset === 'custom';
    const syncDrawing = () => {
      drawingBar.style.display = custom() ? '' : 'none';
      // On touch screens a drag on the canvas draws instead of scrolling the page.
      plot.style.touchAction = custom() ? 'none' : '';
    };
    syncDrawing();
    /** The figure whose scales map a pointer position to data (`pointerToData`). */
    let figure: Element | undefined;
    /** The plot's side: square (the data's aspect), its card's width, at most a screenful. */
    const plotSize = () =>
      Math.max(280, Math.min(plot.clientWidth, window.innerHeight - PLOT_HEADROOM));
    /** The heatmap's plot, kept between redraws: its axes and legend are rebuilt only on change. */
    const heatmap = new DensityPlot();
    const draw = () => {
      if (last === undefined) {
        if (custom()) {
          figure = drawingPlot(drawn, plotSize(), MIN_CUSTOM_POINTS);
          plot.replaceChildren(figure);
        }
        delete plot.dataset.heatmapCells;
        delete plot.dataset.dataPoints;
        delete plot.dataset.samplePoints;
        return;
      }
      const shown = heatmap.draw(last, plotSize(), controls.showSamples());
      if (plot.firstElementChild !== shown.element) plot.replaceChildren(shown.element);
      // A redraw shows the drawn points as data: the stroke's own marks go.
      for (const mark of Array.from(plot.querySelectorAll('.density-stroke'))) mark.remove();
      figure = shown.figure;
      // What the canvases show, for tests and tools (cells and dots are not elements to count).
      plot.dataset.heatmapCells = String(shown.heatCells);
      plot.dataset.dataPoints = String(shown.dataPoints);
      plot.dataset.samplePoints = String(shown.samplePoints);
      curve.replaceChildren(
        lossCurvePlot(objective, {
          width: Math.max(280, curve.clientWidth),
          yLabel: last.metricName,
        }),
      );
    };
    // Plots are redrawn in an animation frame, at most every DRAW_INTERVAL ms however fast
    // chunks arrive: the page keeps its frames for the user, the worker does the work.
    const scheduleDraw = throttledDraw(draw, DRAW_INTERVAL, ctx.signal);
    const show = (frame: DensityFrame) => {
      if (ctx.signal.aborted) return;
      last = frame;
      steps = frame.step;
      stepText.textContent = String(frame.step);
      metricLabel.textContent = frame.metricName;
      metricText.textContent = formatPlain(frame.metric);
      if (Number.isFinite(frame.metric)) objective.push(frame.step, { objective: frame.metric });
      scheduleDraw();
    };
    const create = async (settings: RunSettings, mode: CheckpointMode) => {
      objective.clear();
      train.disabled = false;
      const points = settings.dataset === 'custom' ? drawn : undefined;
      show(await worker.api.create(settings, mode, points));
    };
    /** Custom data with too few points: no run, an empty canvas to draw on. */
    const awaitDrawing = async () => {
      loop.pause();
      await worker.api.dispose();
      last = undefined;
      steps = 0;
      objective.clear();
      stepText.textContent = '0';
      metricText.textContent = '—';
      train.disabled = true;
      status.textContent = `Draw at least ${MIN_CUSTOM_POINTS} points to train (${drawn.length} so far).`;
      draw();
    };
    const resumeSaved = async (): Promise<boolean> => {
      const settings = controls.settings();
      if (runStore(settings) === undefined) return false;
      try {
        await create(settings, 'resume');
        status.textContent = `Resumed the saved run at step ${steps}.`;
        return true;
      } catch (error) {
        status.textContent = `The saved run could not be resumed (${(error as Error).message}); started over.`;
        return false;
      }
    };
    const restart = (fromSaved = false) =>
      exclusive(async () => {
        showOffer(false);
        const resumed = fromSaved && (await resumeSaved());
        if (!fromSaved) status.textContent = '';
        syncDrawing();
        if (!resumed && custom() && drawn.length < MIN_CUSTOM_POINTS) {
          await awaitDrawing();
        } else if (!resumed) {
          const settings = controls.settings();
          // Without IndexedDB (or localStorage) the playground still trains, unsaved.
          const store = await freshRunStore(settings).catch(() => undefined);
          await create(settings, store === undefined ? 'none' : 'fresh');
        }
        // Shown once the run's first frame is: tests and users start from a drawn metric.
        train.hidden = false;
      });
    const loop = new TrainLoop({
      signal: ctx.signal,
      button: train,
      status,
      steps: () => steps,
      rate,
      chunk: () =>
        exclusive(async () => {
          if (ctx.signal.aborted) return;
          root.dataset.chunk = 'running';
          try {
            show(await worker.api.train());
          } finally {
            delete root.dataset.chunk;
          }
        }),
    });
    reset.addEventListener('click', () => void restart());
    clearDrawing.addEventListener('click', () => {
      drawn = [];
      void restart();
    });
    let stroke = 0;
    const addPoint = (event: PointerEvent) => {
      const at = figure === undefined ? undefined : pointerToData(figure, event);
      if (at === undefined) return;
      const previous = drawn.at(-1);
      // One point per few pixels of the stroke, jittered a little so a stroke has some width.
      if (stroke > 0 && previous !== undefined) {
        const unit = Math.abs(at.x - previous[0]!) + Math.abs(at.y - previous[1]!);
        if (unit < 0.02) return;
      }
      const jitter = () => (Math.random() - 0.5) * 0.04;
      drawn.push([at.x + jitter(), at.y + jitter()]);
      stroke += 1;
      const dot = document.createElementNS('http://www.w3.org/2000/svg', 'circle');
      dot.setAttribute('cx', String(at.px));
      dot.setAttribute('cy', String(at.py));
      dot.setAttribute('r', '2.5');
      dot.setAttribute('fill', '#ffffff');
      dot.setAttribute('stroke', '#333');
      dot.setAttribute('class', 'density-stroke');
      at.svg.append(dot);
    };
    plot.addEventListener('pointerdown', (event) => {
      if (!custom()) return;
      event.preventDefault();
      stroke = 0;
      plot.setPointerCapture(event.pointerId);
      addPoint(event);
    });
    plot.addEventListener('pointermove', (event) => {
      if (custom() && plot.hasPointerCapture(event.pointerId)) addPoint(event);
    });
    const endStroke = (event: PointerEvent) => {
      if (!custom() || !plot.hasPointerCapture(event.pointerId)) return;
      plot.releasePointerCapture(event.pointerId);
      if (stroke > 0) void restart();
      stroke = 0;
    };
    plot.addEventListener('pointerup', endStroke);
    plot.addEventListener('pointercancel', endStroke);
    resume.addEventListener('click', () => void restart(true));
    startOver.addEventListener('click', () => void restart());
    controls.onChange(() => void restart());
    controls.onDisplayChange(draw);

    if (restored !== undefined && restored.step > 0) {
      // A backend switch: the run's checkpoint of its last chunk is in IndexedDB; continue it.
      controls.apply(restored.settings);
      await exclusive(async () => {
        try {
          await create(restored.settings, 'resume');
          // The history up to the switch (it ends with this step's value) replaces the new one.
          objective.clear();
          for (const p of restored.objective) objective.push(p.step, { [p.series]: p.value });
          draw();
          status.textContent = `Continued at step ${steps} on ${worker.backend.active}.`;
        } catch (error) {
          status.textContent = `The run could not be continued (${(error as Error).message}); started over.`;
          const store = await freshRunStore(restored.settings).catch(() => undefined);
          await create(restored.settings, store === undefined ? 'none' : 'fresh');
        }
      });
      train.hidden = false;
    } else {
      const saved = await findSavedRun().catch(() => undefined);
      if (saved === undefined) {
        await restart();
      } else {
        // Nothing trains until the user chooses: a new run would replace the saved one.
        controls.apply(saved.settings);
        offer.replaceChildren(
          `A saved run: ${saved.settings.model} on ${saved.settings.dataset} at step ${saved.step}. `,
          resume,
          startOver,
        );
        showOffer(true);
      }
    }
    return {
      async suspend(): Promise<Suspended | undefined> {
        loop.pause();
        return exclusive(async () =>
          // Drawn data are not saved: such a run starts afresh on the new backend.
          last === undefined || custom()
            ? undefined
            : {
                kind: 'density/v1' as const,
                settings: controls.settings(),
                step: steps,
                objective: objective.rows(0).map(({ series, step, value }) => ({
                  series,
                  step,
                  value,
                })),
              },
        );
      },
      dispose() {
        loop.pause();
        worker.terminate();
      },
    };
  },
};

export default view;
