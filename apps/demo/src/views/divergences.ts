/**
 * View 1, divergences: fit one Gaussian to an editable 1-D mixture under several divergences at
 * once (Adam on the quadrature divergence of @gen/divergences), watch reverse KL lock onto a mode
 * while KL and Pearson spread over all of them, and fill the f-GAN train/test table live.
 */
import { h } from '../shell/dom.js';
import { serial } from '../shell/serial.js';
import { TrainLoop } from '../shell/train-loop.js';
import { buildControls } from './divergences/controls.js';
import { DivergenceFits, FIT_LABELS, type FitSnapshot } from './divergences/fits.js';
import { type Component, MixtureInputError, normaliseMixture } from './divergences/mixture.js';
import { densityPlot, trainTestTable } from './divergences/plot.js';
import type { DemoView } from './types.js';

const STEPS_PER_CHUNK = 3;

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
    const status = h('p', { class: 'note', role: 'status' });
    const plot = h('div', { class: 'plot', 'aria-label': 'target density and fitted Gaussians' });
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
          'mixture or the start and watch the fits move.',
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
      h(
        'div',
        { class: 'cards' },
        h('div', { class: 'card' }, h('h3', {}, 'Target and fitted Gaussians'), plot),
        h('div', { class: 'card' }, h('h3', {}, 'f-GAN train/test table (live)'), table),
      ),
    );

    const exclusive = serial();
    let components: Component[] = normaliseMixture(controls.components());
    let fits = new DivergenceFits(components, controls.start());
    let steps = 0;

    const show = (snapshot: FitSnapshot) => {
      stepText.textContent = String(steps);
      const first = snapshot.names[0];
      metricLabel.textContent =
        first === undefined ? 'objective' : `${FIT_LABELS[first]} objective`;
      metricText.textContent = first === undefined ? '—' : snapshot.objective[0]!.toFixed(5);
      plot.replaceChildren(densityPlot(components, snapshot, Math.max(280, plot.clientWidth)));
      table.replaceChildren(trainTestTable(snapshot));
    };
    const refresh = async () => {
      const snapshot = await fits.snapshot(controls.selected());
      if (!ctx.signal.aborted) show(snapshot);
    };
    const restart = () =>
      exclusive(async () => {
        try {
          const next = normaliseMixture(controls.components());
          checkStart(controls.start());
          fits.dispose();
          components = next;
          fits = new DivergenceFits(components, controls.start());
          steps = 0;
          status.textContent = '';
        } catch (error) {
          if (!(error instanceof MixtureInputError)) throw error;
          status.textContent = `Not applied: ${error.message}`;
          return;
        }
        await refresh();
      });

    const loop = new TrainLoop({
      signal: ctx.signal,
      button: train,
      status,
      chunk: () =>
        exclusive(async () => {
          const selected = controls.selected();
          if (selected.length === 0) {
            status.textContent = 'Tick at least one divergence to fit with.';
            loop.pause();
            return;
          }
          await fits.step(selected, STEPS_PER_CHUNK);
          steps += STEPS_PER_CHUNK;
          await refresh();
        }),
    });
    reset.addEventListener('click', () => void restart());
    controls.onChange((what) => void (what === 'target' ? restart() : exclusive(refresh)));
    // The button appears once the first snapshot is on screen, so step and metric are real.
    train.hidden = true;
    await refresh();
    train.hidden = false;
    return {
      dispose() {
        loop.pause();
        fits.dispose();
      },
    };
  },
};

export default view;
