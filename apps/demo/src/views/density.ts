/**
 * View 3, density playground: pick a 2-D data set (`makeToy`) and a model — a Gaussian mixture
 * fitted by EM (data coloured by cluster), a MADE with mixture-of-Gaussians conditionals, a
 * RealNVP flow, a VAE, or a GAN with any loss of the zoo — and watch its samples and its density
 * (for the VAE: the ELBO; for the GAN: the discriminator) evolve as it trains.
 */
import { h } from '../shell/dom.js';
import { serial } from '../shell/serial.js';
import { TrainLoop } from '../shell/train-loop.js';
import { buildControls } from './density/controls.js';
import { densityPlot, type Frame } from './density/plot.js';
import { DensityRun } from './density/session.js';
import type { DemoView } from './types.js';

const view: DemoView = {
  id: 'density',
  title: 'Density playground',
  async mount(root, ctx) {
    const train = h('button', { type: 'button', 'data-testid': 'train' }, 'Train');
    const reset = h('button', { type: 'button' }, 'Reset');
    const stepText = h('span', { 'data-testid': 'step', class: 'stat' }, '0');
    const metricText = h('span', { 'data-testid': 'metric', class: 'stat' }, '—');
    const metricLabel = h('span', { 'data-testid': 'metric-name' }, 'metric');
    const status = h('p', { class: 'note', role: 'status' });
    const plot = h('div', { class: 'plot', 'aria-label': 'density heatmap, data and samples' });
    const controls = buildControls();
    root.append(
      h('h2', {}, 'Density playground'),
      h(
        'p',
        { class: 'lead' },
        'White dots: the data (coloured by cluster for the Gaussian mixture); red dots: samples ' +
          'of the model; background: the model’s log-density (exact for the mixture, MADE and ' +
          'flow; for a VAE its lower bound, the ELBO; for a GAN, which has none: the ' +
          'discriminator’s logit). Models train on the data scaled into [−2, 2]².',
      ),
      h(
        'div',
        { class: 'toolbar' },
        train,
        reset,
        h('span', {}, 'step ', stepText),
        h('span', {}, metricLabel, ' ', metricText),
      ),
      controls.element,
      status,
      h('div', { class: 'card' }, plot),
    );

    const exclusive = serial();
    let run: DensityRun | undefined;
    let last: Frame | undefined;
    const draw = () => {
      if (last === undefined) return;
      const size = Math.max(280, Math.min(560, plot.clientWidth));
      plot.replaceChildren(densityPlot(last, size, controls.showSamples()));
    };
    const show = async () => {
      if (run === undefined) return;
      const frame = await run.frame();
      if (ctx.signal.aborted) return;
      stepText.textContent = String(run.steps);
      metricLabel.textContent = run.metricName;
      metricText.textContent = run.metric.toFixed(4);
      last = frame;
      draw();
    };
    const restart = () =>
      exclusive(async () => {
        run?.dispose();
        run = undefined;
        run = await DensityRun.create(controls.settings());
        status.textContent = '';
        await show();
      });
    const loop = new TrainLoop({
      signal: ctx.signal,
      button: train,
      status,
      chunk: () =>
        exclusive(async () => {
          if (run === undefined || ctx.signal.aborted) return;
          await run.train(run.stepsPerChunk);
          await show();
        }),
    });
    reset.addEventListener('click', () => void restart());
    controls.onChange(() => void restart());
    controls.onDisplayChange(draw);
    train.hidden = true;
    await restart();
    train.hidden = false;
    return {
      dispose() {
        loop.pause();
        void exclusive(async () => run?.dispose());
      },
    };
  },
};

export default view;
