/**
 * View 4, mode collapse: a `Gan.mlp` on the ring of 8 or the grid of 25 Gaussians, with the
 * loss, discriminator steps, instance noise and one-sided label smoothing as controls; generator
 * samples over the mode centres and VEEGAN's mode coverage (`modeCoverage`) over time.
 */
import { h } from '../shell/dom.js';
import { serial } from '../shell/serial.js';
import { TrainLoop } from '../shell/train-loop.js';
import { buildControls } from './mode-collapse/controls.js';
import { type CoveragePoint, coveragePoint, formatQuality } from './mode-collapse/history.js';
import { coveragePlot, samplesPlot } from './mode-collapse/plots.js';
import { type Evaluation, ModeCollapseTrainer, STEPS_PER_CHUNK } from './mode-collapse/trainer.js';
import type { DemoView } from './types.js';

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
    const status = h('p', { class: 'note', role: 'status' });
    const scatter = h('div', { class: 'plot', 'aria-label': 'generator samples and mode centres' });
    const chart = h('div', { class: 'plot', 'aria-label': 'mode coverage over training' });
    const controls = buildControls();
    root.append(
      h('h2', {}, 'Mode collapse: does the GAN cover every mode?'),
      h(
        'p',
        { class: 'lead' },
        'A GAN (@gen/gan, 2-layer leaky-ReLU MLPs) learns a ring of 8 or a grid of 25 Gaussians. ' +
          'A sample is high quality within 3σ of its nearest centre (red rings); a mode is captured ' +
          'when at least one high-quality sample is nearest to it (VEEGAN). Try more discriminator ' +
          'steps, instance noise or one-sided label smoothing, and other losses.',
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
      ),
      controls.element,
      status,
      h(
        'div',
        { class: 'cards' },
        h('div', { class: 'card' }, h('h3', {}, 'Samples over the mode centres'), scatter),
        h('div', { class: 'card' }, h('h3', {}, 'Mode coverage over time'), chart),
      ),
    );

    const exclusive = serial();
    let trainer = new ModeCollapseTrainer(controls.settings());
    let history: CoveragePoint[] = [];

    const show = (evaluation: Evaluation) => {
      const { coverage, samples } = evaluation;
      const k = trainer.centers.length;
      stepText.textContent = String(trainer.steps);
      metricText.textContent = formatQuality(coverage.highQuality);
      modesText.textContent = `${coverage.modes} / ${k}`;
      const size = Math.max(260, Math.min(460, scatter.clientWidth));
      const { dataset } = trainer.settings;
      scatter.replaceChildren(samplesPlot(dataset, samples, trainer.centers, trainer.std, size));
      chart.replaceChildren(coveragePlot(history, k, Math.max(280, chart.clientWidth)));
    };
    const evaluate = async () => {
      const evaluation = await trainer.evaluate();
      history.push(coveragePoint(trainer.steps, evaluation.coverage));
      if (!ctx.signal.aborted) show(evaluation);
    };
    const restart = () =>
      exclusive(async () => {
        trainer.dispose();
        trainer = new ModeCollapseTrainer(controls.settings());
        history = [];
        lossText.textContent = '—';
        status.textContent = '';
        await evaluate();
      });

    const loop = new TrainLoop({
      signal: ctx.signal,
      button: train,
      status,
      chunk: () =>
        exclusive(async () => {
          if (ctx.signal.aborted) return;
          const losses = await trainer.train(STEPS_PER_CHUNK);
          lossText.textContent = `${losses.discriminator.toFixed(3)} / ${losses.generator.toFixed(3)}`;
          await evaluate();
        }),
    });
    reset.addEventListener('click', () => void restart());
    controls.onChange(() => void restart());
    train.hidden = true;
    await exclusive(evaluate);
    train.hidden = false;
    return {
      dispose() {
        loop.pause();
        void exclusive(async () => trainer.dispose());
      },
    };
  },
};

export default view;
