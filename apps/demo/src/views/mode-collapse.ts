/**
 * View 4, mode collapse: a `Gan.mlp` on the ring of 8 or the grid of 25 Gaussians, with the
 * loss, discriminator steps, instance noise and one-sided label smoothing as controls; generator
 * samples over the mode centres, VEEGAN's mode coverage (`modeCoverage`) and the D/G losses over
 * time. The GAN trains in a Web Worker (`src/worker/mode-collapse.worker.ts`) on the page's
 * backend; the page only draws. A backend switch hands the run over (checkpoint bytes, step,
 * settings, history) so training continues where it was.
 */

import { h } from '../shell/dom.js';
import { LossHistory, lossCurvePlot } from '../shell/loss-curve.js';
import { serial } from '../shell/serial.js';
import { throttledDraw } from '../shell/throttle.js';
import { rateElement, TrainLoop } from '../shell/train-loop.js';
import { startTrainingWorker } from '../worker/client.js';
import type { ModeCollapseFrame, ModeCollapseWorkerApi } from '../worker/mode-collapse.worker.js';
import { buildControls } from './mode-collapse/controls.js';
import {
  type CoveragePoint,
  coveragePoint,
  formatPlain,
  formatQuality,
} from './mode-collapse/history.js';
import { coveragePlot, samplesPlot } from './mode-collapse/plots.js';
import { type ModeCollapseSettings, PRESETS } from './mode-collapse/settings.js';
import { STEPS_PER_CHUNK, type TrainerSnapshot } from './mode-collapse/trainer.js';
import type { DemoView } from './types.js';

/** What the view hands over across a backend switch. */
interface Suspended {
  kind: 'mode-collapse/v1';
  settings: ModeCollapseSettings;
  snapshot: TrainerSnapshot;
  coverage: CoveragePoint[];
  losses: { series: string; step: number; value: number }[];
}

function isSuspended(value: unknown): value is Suspended {
  return (value as Suspended | undefined)?.kind === 'mode-collapse/v1';
}

const LOSS_COLORS = { D: '#d62728', G: '#1f77b4' };

/** Least time between two redraws of the plots (ms). */
const DRAW_INTERVAL = 500;

const view: DemoView = {
  id: 'mode-collapse',
  title: 'Mode collapse',
  async mount(root, ctx) {
    const train = h('button', { type: 'button', 'data-testid': 'train' }, 'Train');
    const reset = h('button', { type: 'button' }, 'Reset');
    const stepText = h('span', { 'data-testid': 'step', class: 'stat' }, '0');
    const metricText = h('span', { 'data-testid': 'metric', class: 'stat' }, '—');
    const modesText = h('span', { 'data-testid': 'modes', class: 'stat' }, '—');
    const lossText = h('span', { 'data-testid': 'losses', class: 'stat' }, '—');
    const rate = rateElement();
    const status = h('p', { class: 'note', role: 'status' });
    const backendNote = h('p', { class: 'note', 'data-testid': 'worker-note' });
    const scatter = h('div', { class: 'plot', 'aria-label': 'generator samples and mode centres' });
    const chart = h('div', { class: 'plot', 'aria-label': 'mode coverage over training' });
    const lossChart = h('div', {
      class: 'plot',
      'aria-label': 'discriminator and generator objectives over training',
    });
    const controls = buildControls();
    const presetButtons = PRESETS.map((p) =>
      h('button', { type: 'button', 'data-preset': p.id }, p.label),
    );
    root.append(
      h('h2', {}, 'Mode collapse: does the GAN cover every mode?'),
      h(
        'p',
        { class: 'lead' },
        'A GAN (@gen/gan, 2-layer leaky-ReLU MLPs) learns a ring of 8 or a grid of 25 Gaussians. ' +
          'A sample is high quality within 3σ of its nearest centre (red rings); a mode is captured ' +
          'when at least one high-quality sample is nearest to it (VEEGAN). Try more discriminator ' +
          'steps, instance noise or one-sided label smoothing, and other losses. It trains in a ' +
          'Web Worker, so the page stays responsive.',
      ),
      h(
        'div',
        { class: 'toolbar' },
        train,
        reset,
        h('span', {}, 'step ', stepText),
        h('span', {}, 'high quality % ', metricText),
        h('span', {}, 'modes ', modesText),
        h('span', {}, 'D / G loss ', lossText),
        rate,
      ),
      h(
        'div',
        { class: 'toolbar', 'aria-label': 'presets' },
        h('span', {}, 'presets:'),
        ...presetButtons,
      ),
      controls.element,
      backendNote,
      status,
      h(
        'div',
        { class: 'cards' },
        h('div', { class: 'card' }, h('h3', {}, 'Samples over the mode centres'), scatter),
        h('div', { class: 'card' }, h('h3', {}, 'Mode coverage over time'), chart),
        h('div', { class: 'card' }, h('h3', {}, 'Discriminator and generator losses'), lossChart),
      ),
    );
    train.hidden = true;

    const restored = isSuspended(ctx.restored) ? ctx.restored : undefined;
    if (restored !== undefined) controls.apply(restored.settings);
    const worker = await startTrainingWorker<ModeCollapseWorkerApi>(
      new Worker(new URL('../worker/mode-collapse.worker.ts', import.meta.url), {
        type: 'module',
        name: 'mode-collapse training',
      }),
      ctx.backend(),
      ctx.signal,
    );
    backendNote.textContent = worker.backend.note;
    const exclusive = serial();
    let settings = controls.settings();
    let steps = 0;
    let coverage: CoveragePoint[] = [];
    const losses = new LossHistory();
    let last: ModeCollapseFrame | undefined;

    const draw = () => {
      if (last === undefined) return;
      const samples: number[][] = [];
      for (let i = 0; i + 1 < last.samples.length; i += 2) {
        samples.push([last.samples[i]!, last.samples[i + 1]!]);
      }
      const size = Math.max(260, Math.min(460, scatter.clientWidth));
      scatter.replaceChildren(samplesPlot(settings.dataset, samples, last.centers, last.std, size));
      const width = Math.max(280, chart.clientWidth);
      chart.replaceChildren(coveragePlot(coverage, last.centers.length, width));
      lossChart.replaceChildren(
        lossCurvePlot(losses, {
          width: Math.max(280, lossChart.clientWidth),
          yLabel: 'loss (mean over a chunk)',
          colors: LOSS_COLORS,
        }),
      );
    };
    // Plots are redrawn in an animation frame, at most every DRAW_INTERVAL ms however fast
    // chunks arrive: the page keeps its frames for the user, the worker does the work.
    const scheduleDraw = throttledDraw(draw, DRAW_INTERVAL, ctx.signal);
    const show = (frame: ModeCollapseFrame) => {
      if (ctx.signal.aborted) return;
      last = frame;
      steps = frame.step;
      stepText.textContent = String(frame.step);
      metricText.textContent = formatQuality(frame.coverage.highQuality);
      modesText.textContent = `${frame.coverage.modes} / ${frame.centers.length}`;
      if (coverage.at(-1)?.step !== frame.step) {
        coverage.push(coveragePoint(frame.step, frame.coverage));
      }
      scheduleDraw();
    };
    const restart = (explain = '') =>
      exclusive(async () => {
        settings = controls.settings();
        coverage = [];
        losses.clear();
        lossText.textContent = '—';
        status.textContent = explain;
        show(await worker.api.reset(settings));
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
          // Marks a chunk in flight (tests wait for it to land after a pause).
          root.dataset.chunk = 'running';
          const result = await worker.api.train(STEPS_PER_CHUNK).finally(() => {
            delete root.dataset.chunk;
          });
          const { discriminator, generator } = result.losses;
          lossText.textContent = `${formatPlain(discriminator)} / ${formatPlain(generator)}`;
          losses.push(result.frame.step, { D: discriminator, G: generator });
          show(result.frame);
        }),
    });
    reset.addEventListener('click', () => void restart());
    controls.onChange(() => void restart());
    presetButtons.forEach((button, i) => {
      button.addEventListener('click', () => {
        const preset = PRESETS[i]!;
        controls.apply(preset.settings);
        void restart(preset.explain);
      });
    });

    if (restored !== undefined) {
      try {
        await exclusive(async () => {
          coverage = [...restored.coverage];
          for (const p of restored.losses) losses.push(p.step, { [p.series]: p.value });
          show(await worker.api.reset(settings, restored.snapshot));
          status.textContent = `Continued at step ${restored.snapshot.step} on ${worker.backend.active}.`;
        });
      } catch (error) {
        status.textContent = `The run could not be continued (${(error as Error).message}); started over.`;
        await restart(status.textContent);
      }
    } else {
      await restart();
    }
    train.hidden = false;
    return {
      async suspend(): Promise<Suspended> {
        loop.pause();
        return exclusive(async () => ({
          kind: 'mode-collapse/v1' as const,
          settings,
          snapshot: await worker.api.snapshot(),
          coverage: [...coverage],
          losses: losses.rows(0).map(({ series, step, value }) => ({ series, step, value })),
        }));
      },
      dispose() {
        loop.pause();
        worker.terminate();
      },
    };
  },
};

export default view;
