import { h, labelled } from '../../shell/dom.js';
import { type NumberField, numberField } from '../../shell/field.js';
import { rateElement } from '../../shell/train-loop.js';
import { digitCanvas } from '../vae/images.js';
import { DEFAULT_SETTINGS, SETTING_RANGES } from './trainer.js';
import './style.css';

import { GRID, PATH_STEPS } from './constants.js';

export { GRID, PATH_STEPS };

/** The view's elements: controls, read-outs and panel targets. */
export interface DcganLayout {
  train: HTMLButtonElement;
  reset: HTMLButtonElement;
  newDraws: HTMLButtonElement;
  newEnds: HTMLButtonElement;
  /** Where a reset takes the weights from: `trained` (the shipped model) or `scratch`. */
  startFrom: HTMLSelectElement;
  /** Says which weights the model has. */
  origin: HTMLElement;
  /** Says when the training worker could not start the page's backend (empty otherwise). */
  workerNote: HTMLElement;
  step: HTMLElement;
  metric: HTMLElement;
  /** The step the headline metric was evaluated at. */
  metricStep: HTMLElement;
  losses: HTMLElement;
  rate: HTMLElement;
  status: HTMLElement;
  learningRate: NumberField;
  batchSize: NumberField;
  discriminatorSteps: NumberField;
  samples: HTMLCanvasElement;
  path: HTMLCanvasElement;
  lossChart: HTMLElement;
  lossNote: HTMLElement;
}

function card(title: string, ...children: (Node | string)[]): HTMLElement {
  return h('div', { class: 'card' }, h('h3', {}, title), ...children);
}

/** Builds the view inside `root` and returns its elements. */
export function buildLayout(root: HTMLElement): DcganLayout {
  const d = DEFAULT_SETTINGS;
  const r = SETTING_RANGES;
  const startFrom = h(
    'select',
    { 'data-testid': 'start-from', disabled: '' },
    h('option', { value: 'trained' }, 'trained model'),
    h('option', { value: 'scratch' }, 'scratch'),
  );
  startFrom.value = 'trained';
  const els: DcganLayout = {
    train: h('button', { type: 'button', 'data-testid': 'train', disabled: '' }, 'Train'),
    reset: h('button', { type: 'button', disabled: '' }, 'Reset'),
    newDraws: h(
      'button',
      { type: 'button', 'data-testid': 'new-draws', disabled: '' },
      'New latent draws',
    ),
    newEnds: h(
      'button',
      { type: 'button', 'data-testid': 'new-ends', disabled: '' },
      'New endpoints',
    ),
    startFrom,
    origin: h('p', { 'data-testid': 'origin', class: 'note' }),
    workerNote: h('p', { 'data-testid': 'worker-note', class: 'note' }),
    step: h('span', { 'data-testid': 'step', class: 'stat' }, '0'),
    metric: h('span', { 'data-testid': 'metric', class: 'stat' }, '—'),
    metricStep: h('span', { 'data-testid': 'metric-step', class: 'stat' }, '—'),
    losses: h('span', { 'data-testid': 'losses', class: 'stat' }, '—'),
    rate: rateElement(),
    status: h('p', { role: 'status', class: 'note' }, 'Loading MNIST and the trained DCGAN…'),
    learningRate: numberField({
      label: 'learning rate',
      value: d.learningRate,
      ...r.learningRate,
      testid: 'learning-rate',
    }),
    batchSize: numberField({
      label: 'batch size',
      value: d.batchSize,
      ...r.batchSize,
      integer: true,
      testid: 'batch-size',
    }),
    discriminatorSteps: numberField({
      label: 'D steps per G step',
      value: d.discriminatorSteps,
      ...r.discriminatorSteps,
      integer: true,
      testid: 'discriminator-steps',
    }),
    samples: digitCanvas(`Generator samples from ${GRID * GRID} fixed latent draws`, 480),
    path: digitCanvas(
      `Generator images along a spherical interpolation between two latent draws`,
      720,
    ),
    lossChart: h('div', {
      class: 'plot',
      'aria-label': 'discriminator and generator losses over training',
    }),
    lossNote: h('p', { class: 'note' }),
  };
  root.append(
    h('h2', {}, 'DCGAN on MNIST'),
    h(
      'p',
      { class: 'lead' },
      'A deep convolutional GAN (@gen/gan Gan.dcgan: z ∈ ℝ⁶⁴ → dense → batch norm → two transposed ' +
        'convolutions → 28×28 digit; a two-layer convolutional critic), started from the released ' +
        'run pretrained/dcgan-mnist and trained further here, one generator step at a time, on ' +
        '10 000 MNIST digits bundled with the build. A step takes hundreds of milliseconds on wasm; ' +
        'it runs in a Web Worker, so the page stays responsive.',
    ),
    h(
      'div',
      { class: 'toolbar' },
      els.train,
      els.reset,
      labelled('start from', startFrom),
      h('span', {}, 'step ', els.step),
      h(
        'span',
        {},
        'D loss on a fixed batch ',
        els.metric,
        h('span', { class: 'rate' }, ' (at step ', els.metricStep, ')'),
      ),
      h('span', {}, 'last step D / G loss ', els.losses),
      els.rate,
    ),
    h(
      'div',
      { class: 'toolbar' },
      els.learningRate.element,
      els.batchSize.element,
      els.discriminatorSteps.element,
    ),
    els.origin,
    els.workerNote,
    els.status,
    h(
      'div',
      { class: 'cards dcgan-cards' },
      card(
        `Samples: G(z) for ${GRID * GRID} fixed latent draws`,
        h('div', { class: 'toolbar' }, els.newDraws),
        els.samples,
      ),
      card('Losses over time', els.lossChart, els.lossNote),
      h(
        'div',
        { class: 'card wide' },
        h('h3', {}, 'Latent interpolation (slerp)'),
        h(
          'p',
          { class: 'note' },
          'G along the great circle between two latent draws z₁ (left) and z₂ (right): the ' +
            'direction by spherical linear interpolation, the norm linearly between ‖z₁‖ and ‖z₂‖. ' +
            'A straight line would cut inside the sphere of radius ≈ √64 = 8 where the latents ' +
            'of N(0, I) lie.',
        ),
        h('div', { class: 'toolbar' }, els.newEnds),
        els.path,
      ),
    ),
  );
  return els;
}
