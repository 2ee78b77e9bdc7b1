/**
 * View 1, divergences: fit one Gaussian to an editable 1-D mixture under several divergences at
 * once (Adam on the quadrature divergence of @gen/divergences), watch reverse KL lock onto a mode
 * while KL and Pearson spread over all of them, and fill the f-GAN train/test table live. The
 * mixture is edited in validated fields, by presets, or by dragging its components on the plot.
 * The fits train in a Web Worker (`src/worker/divergences.worker.ts`) on the page's backend; the
 * page keeps the controls, the histories and the plots, and only draws. A backend switch hands
 * the fits over (mixture, start, selection, step, histories, and each fit's μ, σ and Adam
 * moments), so they continue where they were.
 */

import { h } from '../shell/dom.js';
import { formatNumber } from '../shell/format.js';
import { LossHistory, lossCurvePlot } from '../shell/loss-curve.js';
import { serial } from '../shell/serial.js';
import { throttledDraw } from '../shell/throttle.js';
import { rateElement, TrainLoop } from '../shell/train-loop.js';
import { startTrainingWorker } from '../worker/client.js';
import type {
  DivergenceFrame,
  DivergenceRun,
  DivergencesWorkerApi,
} from '../worker/divergences.worker.js';
import { buildControls, RANGES } from './divergences/controls.js';
import { attachDrag, snap, weightForPeak } from './divergences/drag.js';
import { FIT_LABELS, type FitName, type FitSnapshot } from './divergences/fits.js';
import {
  type Component,
  MixtureInputError,
  normaliseMixture,
  pearsonMinSigma,
} from './divergences/mixture.js';
import {
  componentHandles,
  densityPlot,
  fitLegend,
  fitStyles,
  type PlotFrame,
  plotFrame,
  trainTestTable,
} from './divergences/plot.js';
import type { DemoView } from './types.js';
import './divergences/style.css';

const STEPS_PER_CHUNK = 3;
/** Least time between two redraws of the plots and the table (ms). */
const DRAW_INTERVAL = 250;

/** What the view hands over across a backend switch. */
interface Suspended {
  kind: 'divergences/v1';
  /** The mixture the fits use, as entered (weights need not sum to 1). */
  components: Component[];
  start: { mu: number; sigma: number };
  selected: FitName[];
  step: number;
  losses: { name: FitName; step: number; value: number }[];
  run: DivergenceRun;
}

function isSuspended(value: unknown): value is Suspended {
  return (value as Suspended | undefined)?.kind === 'divergences/v1';
}

function checkStart(start: { mu: number; sigma: number }): void {
  if (!Number.isFinite(start.mu))
    throw new MixtureInputError(`start: μ₀ must be a number, got ${start.mu}`);
  if (!(start.sigma > 0)) throw new MixtureInputError(`start: σ₀ must be > 0, got ${start.sigma}`);
}

const view: DemoView = {
  id: 'divergences',
  title: 'Divergences',
  async mount(root, ctx) {
    const train = h('button', { type: 'button', 'data-testid': 'train' }, 'Train');
    const reset = h('button', { type: 'button' }, 'Reset fits');
    const stepText = h('span', { 'data-testid': 'step', class: 'stat' }, '0');
    const metricText = h('span', { 'data-testid': 'metric', class: 'stat' }, '—');
    const metricLabel = h('span', {}, 'objective');
    const rate = rateElement();
    const status = h('div', { class: 'note', role: 'status', 'data-testid': 'mixture-status' });
    const backendNote = h('p', { class: 'note', 'data-testid': 'worker-note' });
    const plot = h('div', {
      class: 'plot divergence-density',
      'data-testid': 'density-plot',
      'aria-label': 'target density and fitted Gaussians; drag a numbered handle to edit P',
    });
    const legend = h('div', {});
    const lossPlot = h('div', { class: 'plot', 'data-testid': 'loss-plot' });
    const table = h('div', {});
    const controls = buildControls();
    root.append(
      h('h2', {}, 'Divergences: one Gaussian, many ways to fit it'),
      h(
        'p',
        { class: 'lead' },
        'Each selected divergence D(P‖q) is minimised over q = N(μ, σ²) by Adam, with D computed by ' +
          'quadrature (@gen/divergences). Reverse KL is mode seeking: it locks onto one mode. KL, JS, ' +
          'Hellinger and Pearson χ² are mass covering: they spread over the whole mixture. Edit the ' +
          'mixture in the fields, pick a preset, or drag the numbered handles on the plot (sideways: ' +
          'mean; up or down: weight) and watch the fits move. They train in a Web Worker, so the ' +
          'page stays responsive.',
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
      controls.presets,
      controls.story,
      controls.element,
      backendNote,
      status,
      h(
        'div',
        { class: 'cards divergence-cards' },
        h(
          'div',
          { class: 'card wide' },
          h('h3', {}, 'Target and fitted Gaussians (drag the handles)'),
          legend,
          plot,
        ),
        h(
          'div',
          { class: 'card' },
          h('h3', {}, 'Objective D(P‖q) over steps (log scale)'),
          lossPlot,
        ),
        h('div', { class: 'card' }, h('h3', {}, 'f-GAN train/test table (live)'), table),
      ),
    );

    // The button appears once the first frame is on screen, so step and metric are real.
    train.hidden = true;

    const restored = isSuspended(ctx.restored) ? ctx.restored : undefined;
    if (restored !== undefined) {
      controls.setComponents(restored.components);
      controls.setStart(restored.start);
      controls.setSelected(restored.selected);
    }
    const worker = await startTrainingWorker<DivergencesWorkerApi>(
      new Worker(new URL('../worker/divergences.worker.ts', import.meta.url), {
        type: 'module',
        name: 'divergences training',
      }),
      ctx.backend(),
      ctx.signal,
    );
    backendNote.textContent = worker.backend.note;
    const exclusive = serial();
    let raw: Component[] = controls.components();
    let components: Component[] = normaliseMixture(raw);
    let steps = 0;
    let last: FitSnapshot | undefined;
    let frame: PlotFrame | undefined;
    let dragFrame: PlotFrame | undefined;
    const histories = new Map<FitName, LossHistory>();
    let recordedStep = -1;

    /** The mixture and start the fits use, as data (read by the tests and assistive tech). */
    const showTarget = () => {
      plot.dataset.components = JSON.stringify(raw);
      plot.dataset.start = JSON.stringify(fitStart);
    };
    let problems: string[] = [];
    let notes: string[] = [];
    const setStatus = (messages: readonly string[]) => {
      problems = [...messages];
      status.replaceChildren(
        ...[...problems, ...notes].map((m) => h('span', { class: 'status-line' }, m)),
      );
    };
    let fitStart = controls.start();
    let fitComponents = components;
    /** The mixture the fits use, as entered (`raw` may be a drag ahead of it). */
    let fitRaw = raw;
    /**
     * The ticked divergences that can be fitted: Pearson χ² is left out (and the status says
     * why) while it is infinite at the start, which would stop every fit with a NaN gradient.
     */
    const usable = (): FitName[] => {
      const selected = controls.selected();
      const floor = pearsonMinSigma(fitComponents);
      const narrow = selected.includes('pearson') && fitStart.sigma < floor;
      const next = narrow
        ? [
            `Pearson χ² left out: it is infinite from the start σ₀ = ${formatNumber(fitStart.sigma)} ` +
              `for this mixture (needs σ₀ ≥ ${formatNumber(floor, { digits: 3 })}; widen the start ` +
              'or untick it).',
          ]
        : [];
      if (next.join() !== notes.join()) {
        notes = next;
        setStatus(problems);
      }
      return narrow ? selected.filter((n) => n !== 'pearson') : selected;
    };
    const drawDensity = () => {
      if (last === undefined) return;
      const width = Math.max(280, plot.clientWidth);
      frame = dragFrame ?? plotFrame(components, raw, last);
      plot.replaceChildren(densityPlot(components, raw, last, width, frame));
    };
    const drawLoss = (names: readonly FitName[]) => {
      const shown = new LossHistory();
      for (const name of names) {
        const label = FIT_LABELS[name];
        for (const row of histories.get(name)?.rows(0) ?? []) {
          shown.push(row.step, { [label]: row.value });
        }
      }
      const colors = Object.fromEntries(fitStyles(names).map((s) => [s.label, s.colour]));
      lossPlot.replaceChildren(
        lossCurvePlot(shown, {
          width: Math.max(280, lossPlot.clientWidth),
          smoothing: 0,
          yLabel: 'D(P‖q) (nats)',
          logY: true,
          colors,
        }),
      );
    };
    // The plots and the table are redrawn at most every DRAW_INTERVAL ms, in an animation frame.
    const scheduleDraw = throttledDraw(
      () => {
        if (last === undefined) return;
        legend.replaceChildren(fitLegend(last.names));
        drawDensity();
        drawLoss(last.names);
        table.replaceChildren(trainTestTable(last));
      },
      DRAW_INTERVAL,
      ctx.signal,
    );
    const show = ({ step, snapshot }: DivergenceFrame) => {
      if (ctx.signal.aborted) return;
      last = snapshot;
      steps = step;
      if (steps !== recordedStep) {
        recordedStep = steps;
        snapshot.names.forEach((name, i) => {
          let history = histories.get(name);
          if (history === undefined) {
            history = new LossHistory();
            histories.set(name, history);
          }
          history.push(steps, { [FIT_LABELS[name]]: snapshot.objective[i]! });
        });
      }
      stepText.textContent = String(steps);
      const first = snapshot.names[0];
      metricLabel.textContent =
        first === undefined ? 'objective' : `${FIT_LABELS[first]} objective`;
      metricText.textContent =
        first === undefined ? '—' : formatNumber(snapshot.objective[0]!, { digits: 5 });
      scheduleDraw();
    };
    const refresh = async () => {
      if (ctx.signal.aborted) return;
      show(await worker.api.snapshot(usable()));
    };
    /** Starts the fits of the mixture in force from the start, or continues `run` on it. */
    const startFits = async (run?: DivergenceRun) => {
      show(await worker.api.reset(fitComponents, fitStart, usable(), run));
    };
    /** Applies the fields (when the mixture is usable) and starts the fits again from the start. */
    const applyTarget = async () => {
      // A restart queued by a drag may run after the view is gone (its worker stopped).
      if (ctx.signal.aborted) return;
      const nextRaw = controls.components();
      try {
        const next = normaliseMixture(nextRaw);
        checkStart(controls.start());
        raw = nextRaw;
        fitRaw = nextRaw;
        components = next;
        fitStart = controls.start();
        fitComponents = next;
        showTarget();
        recordedStep = -1;
        for (const history of histories.values()) history.clear();
        setStatus([]);
      } catch (error) {
        if (!(error instanceof MixtureInputError)) throw error;
        // Training goes on with the last good mixture; every reason is listed.
        setStatus(error.problems.map((p) => `Not applied: ${p}`));
        return;
      }
      await startFits();
    };
    // Restarts requested while one is waiting merge into it (a drag asks for one per move).
    let restartQueued = false;
    const restart = () => {
      if (restartQueued) return Promise.resolve();
      restartQueued = true;
      return exclusive(async () => {
        restartQueued = false;
        await applyTarget();
      });
    };

    const loop = new TrainLoop({
      signal: ctx.signal,
      button: train,
      status,
      steps: () => steps,
      rate,
      chunk: () =>
        exclusive(async () => {
          if (ctx.signal.aborted) return;
          const selected = usable();
          if (selected.length === 0) {
            setStatus(['Tick at least one divergence to fit with.']);
            loop.pause();
            return;
          }
          // Marks a chunk in flight (tests wait for it to land after a pause).
          root.dataset.chunk = 'running';
          const frame = await worker.api.train(selected, STEPS_PER_CHUNK).finally(() => {
            delete root.dataset.chunk;
          });
          show(frame);
        }),
    });
    reset.addEventListener('click', () => void restart());
    controls.onChange((what) => {
      if (what === 'target') {
        void restart();
        return;
      }
      if (problems.some((p) => p.startsWith('Tick'))) setStatus([]);
      void exclusive(refresh);
    });
    controls.onPreset(() => void restart());

    attachDrag({
      container: plot,
      handles: () => (frame === undefined ? [] : componentHandles(raw)),
      onStart: () => {
        dragFrame = frame;
      },
      onMove: (index, x, y) => {
        const fields = controls.fields.components[index]!;
        const current = controls.components();
        fields.mean.set(snap(x, 0.05, RANGES.mean.min, RANGES.mean.max));
        fields.weight.set(
          snap(weightForPeak(current, index, y), 0.01, RANGES.weight.min, RANGES.weight.max),
        );
        // Redraw P at once; the fits follow when the restart runs.
        const moved = controls.components();
        try {
          components = normaliseMixture(moved);
          raw = moved;
          drawDensity();
        } catch (error) {
          if (!(error instanceof MixtureInputError)) throw error;
        }
        void restart();
      },
      onEnd: () => {
        dragFrame = undefined;
        drawDensity();
      },
    });

    // Redraw at the new width when the card changes size (phone rotation, window resize).
    let drawnWidth = plot.clientWidth;
    const resized = new ResizeObserver(() => {
      if (plot.clientWidth === drawnWidth || last === undefined) return;
      drawnWidth = plot.clientWidth;
      drawDensity();
      drawLoss(last.names);
    });
    resized.observe(plot);
    showTarget();
    if (restored !== undefined) {
      try {
        await exclusive(async () => {
          for (const { name, step, value } of restored.losses) {
            let history = histories.get(name);
            if (history === undefined) {
              history = new LossHistory();
              histories.set(name, history);
            }
            history.push(step, { [FIT_LABELS[name]]: value });
          }
          // The frame at the handed-over step is in the histories already.
          recordedStep = restored.run.step;
          await startFits(restored.run);
          setStatus([`Continued at step ${restored.run.step} on ${worker.backend.active}.`]);
        });
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        const message = `The fits could not be continued (${(error as Error).message}); started over.`;
        await exclusive(async () => {
          recordedStep = -1;
          for (const history of histories.values()) history.clear();
          await startFits();
          setStatus([message]);
        });
      }
    } else {
      await exclusive(() => startFits());
    }
    train.hidden = false;
    return {
      async suspend(): Promise<Suspended> {
        loop.pause();
        // Queued after any chunk or restart, so the state is the one on screen.
        return exclusive(async () => ({
          kind: 'divergences/v1' as const,
          components: fitRaw.map((c) => ({ ...c })),
          start: { ...fitStart },
          selected: controls.selected(),
          step: steps,
          losses: [...histories.entries()].flatMap(([name, history]) =>
            history.rows(0).map(({ step, value }) => ({ name, step, value })),
          ),
          run: await worker.api.state(),
        }));
      },
      dispose() {
        loop.pause();
        resized.disconnect();
        worker.terminate();
      },
    };
  },
};

export default view;
