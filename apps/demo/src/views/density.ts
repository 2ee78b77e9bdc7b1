/**
 * View 3, density playground: pick a 2-D data set (`makeToy`) and a model — a Gaussian mixture
 * fitted by EM (data coloured by cluster), a MADE with mixture-of-Gaussians conditionals, a
 * RealNVP flow, a VAE, or a GAN with any loss of the zoo — and watch its samples and its density
 * (for the VAE: the ELBO; for the GAN: the discriminator) evolve as it trains. Runs checkpoint
 * into IndexedDB after every chunk; a reload offers to resume the latest run or start over.
 */
import { h } from '../shell/dom.js';
import { serial } from '../shell/serial.js';
import { TrainLoop } from '../shell/train-loop.js';
import { buildControls } from './density/controls.js';
import { densityPlot, type Frame } from './density/plot.js';
import { findSavedRun, freshRunStore, runStore } from './density/saved-run.js';
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
    const resume = h('button', { type: 'button', 'data-testid': 'resume' }, 'Resume');
    const startOver = h('button', { type: 'button', 'data-testid': 'start-over' }, 'Start over');
    const offer = h('p', { class: 'toolbar', 'data-testid': 'saved-run' });
    // The toolbar class sets `display`, which `hidden` loses to.
    const showOffer = (shown: boolean) => {
      offer.style.display = shown ? '' : 'none';
    };
    showOffer(false);
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
      offer,
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
    const resumeSaved = async () => {
      const settings = controls.settings();
      const store = runStore(settings);
      if (store === undefined) return undefined;
      try {
        const resumed = await DensityRun.create(settings, { store, resume: true });
        status.textContent = `Resumed the saved run at step ${resumed.steps}.`;
        return resumed;
      } catch (error) {
        status.textContent = `The saved run could not be resumed (${(error as Error).message}); started over.`;
        return undefined;
      }
    };
    const restart = (fromSaved = false) =>
      exclusive(async () => {
        showOffer(false);
        run?.dispose();
        run = undefined;
        if (fromSaved) run = await resumeSaved();
        else status.textContent = '';
        if (run === undefined) {
          const settings = controls.settings();
          // Without IndexedDB (or localStorage) the playground still trains, unsaved.
          const store = await freshRunStore(settings).catch(() => undefined);
          run = await DensityRun.create(settings, store && { store, resume: false });
        }
        await show();
        // Shown once the run's first frame is: tests and users start from a drawn metric.
        train.hidden = false;
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
    resume.addEventListener('click', () => void restart(true));
    startOver.addEventListener('click', () => void restart());
    controls.onChange(() => void restart());
    controls.onDisplayChange(draw);
    train.hidden = true;
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
    return {
      dispose() {
        loop.pause();
        void exclusive(async () => run?.dispose());
      },
    };
  },
};

export default view;
