import { h, labelled } from '../../shell/dom.js';
import { type NumberField, numberField } from '../../shell/field.js';
import { rateElement } from '../../shell/train-loop.js';
import { digitCanvas } from './images.js';
import { MAP_POINTS, type PanelTargets } from './panels.js';
import { DEFAULT_SETTINGS, DIGITS } from './trainer.js';

/** Largest β the field accepts: beyond it the KL term swamps the reconstruction entirely. */
export const MAX_BETA = 10;

/** The view's elements: controls, read-outs and panel targets. */
export interface VaeLayout extends PanelTargets {
  /** The view's root (its `data-chunk` marks a training chunk in flight). */
  view: HTMLElement;
  train: HTMLButtonElement;
  reset: HTMLButtonElement;
  /** Where a reset takes the weights from: `trained` (the shipped model) or `scratch`. */
  startFrom: HTMLSelectElement;
  /** Says where the current weights came from. */
  origin: HTMLElement;
  step: HTMLElement;
  metric: HTMLElement;
  trainLoss: HTMLElement;
  /** Steps per second while training (`data-testid="rate"`). */
  rate: HTMLElement;
  status: HTMLElement;
  learningRate: HTMLSelectElement;
  batchSize: HTMLSelectElement;
  beta: NumberField;
  latentSize: HTMLSelectElement;
  hiddenSize: HTMLSelectElement;
  /** Checked: a conditional VAE on the digits' one-hot labels (restarts). */
  conditional: HTMLInputElement;
  /** Interpolation endpoints: indices of test digits on the map. */
  from: NumberField;
  to: NumberField;
  /** Says what the next click on the map sets. */
  mapHint: HTMLElement;
  /** Training loss and held-out −ELBO against steps. */
  lossPlot: HTMLElement;
  /** The held-out KL term against steps. */
  klPlot: HTMLElement;
  /** The held-out −ELBO split into its two terms, now. */
  lossNote: HTMLElement;
}

function select(values: readonly number[], current: number): HTMLSelectElement {
  const el = h('select');
  for (const v of values) el.append(h('option', { value: String(v) }, String(v)));
  el.value = String(current);
  return el;
}

function startFromSelect(): HTMLSelectElement {
  const el = h(
    'select',
    { 'data-testid': 'start-from', disabled: '' },
    h('option', { value: 'trained' }, 'trained model'),
    h('option', { value: 'scratch' }, 'scratch'),
  );
  el.value = 'trained';
  return el;
}

function card(title: string, ...children: (Node | string)[]): HTMLElement {
  return h('div', { class: 'card' }, h('h3', {}, title), ...children);
}

function endpointField(label: string, value: number, testid: string): NumberField {
  return numberField({ label, value, min: 0, max: MAP_POINTS - 1, integer: true, testid });
}

/** Builds the view inside `root` and returns its elements. */
export function buildLayout(root: HTMLElement): VaeLayout {
  const d = DEFAULT_SETTINGS;
  const els: VaeLayout = {
    view: root,
    train: h('button', { type: 'button', 'data-testid': 'train', disabled: '' }, 'Train'),
    reset: h('button', { type: 'button', disabled: '' }, 'Reset'),
    startFrom: startFromSelect(),
    origin: h('p', { 'data-testid': 'origin', class: 'note' }),
    step: h('span', { 'data-testid': 'step', class: 'stat' }, '0'),
    metric: h('span', { 'data-testid': 'metric', class: 'stat' }, '—'),
    trainLoss: h('span', { class: 'stat', 'data-testid': 'train-loss' }, '—'),
    rate: rateElement(),
    status: h('p', { role: 'status', class: 'note' }, 'Loading MNIST and the trained model…'),
    learningRate: select([1e-4, 3e-4, 1e-3, 3e-3, 1e-2], d.learningRate),
    batchSize: select([16, 32, 64, 128, 256], d.batchSize),
    beta: numberField({
      label: 'β',
      hint: '(restarts)',
      value: d.beta,
      min: 0,
      max: MAX_BETA,
      step: 0.1,
      testid: 'beta',
    }),
    latentSize: select([2, 4, 8, 16, 32], d.latentSize),
    hiddenSize: select([64, 128, 256, 512], d.hiddenSize),
    from: endpointField('from test digit #', 0, 'interp-from'),
    to: endpointField('to test digit #', 1, 'interp-to'),
    mapHint: h('p', { class: 'note', 'data-testid': 'map-hint', 'aria-live': 'polite' }),
    reconstructions: digitCanvas(
      'Eight test digits (top row) and their reconstructions (bottom row)',
      640,
    ),
    samples: digitCanvas('Samples decoded from the prior', 640),
    samplesBox: h('div', { class: 'vae-samples', 'data-testid': 'samples' }),
    sampleLabels: Array.from({ length: DIGITS }, (_, digit) =>
      h(
        'span',
        { class: 'vae-row-label', 'data-testid': `sample-label-${digit}`, hidden: '' },
        String(digit),
      ),
    ),
    samplesNote: h('p', { class: 'note', 'data-testid': 'samples-note' }),
    manifoldNote: h('p', { class: 'note', 'data-testid': 'manifold-note' }),
    conditional: h('input', { type: 'checkbox', 'data-testid': 'conditional' }),
    manifold: digitCanvas('Digits decoded on a grid over the first two latent coordinates', 600),
    interpolation: digitCanvas('Digits decoded along the line between two posterior means', 1280),
    latentMap: h('div', { class: 'plot vae-map', 'data-testid': 'latent-map' }),
    latentNote: h('p', { class: 'note' }),
    lossPlot: h('div', { class: 'plot', 'data-testid': 'loss-curve' }),
    klPlot: h('div', { class: 'plot', 'data-testid': 'kl-curve' }),
    lossNote: h('p', { class: 'note', 'data-testid': 'loss-note' }),
  };
  els.manifold.classList.add('vae-manifold');
  els.samplesBox.append(...els.sampleLabels, els.samples);
  const reconstructionRows = h(
    'div',
    { class: 'vae-recon' },
    h('span', { class: 'vae-row-label', 'data-testid': 'recon-label-input' }, 'input'),
    h('span', { class: 'vae-row-label', 'data-testid': 'recon-label-output' }, 'reconstruction'),
    els.reconstructions,
  );
  root.append(
    h('h2', {}, 'VAE on MNIST'),
    h(
      'p',
      { class: 'lead' },
      'A variational autoencoder (Vae.mlp, Bernoulli decoder) starts from a model trained beforehand on all 60 000 MNIST digits, or from scratch, and trains on 10 000 dynamically binarised digits in your browser. ' +
        'The headline number is −ELBO per image (nats) on 256 held-out test digits; latent size 2 makes the map below the actual latent space. ' +
        'Click two digits on the map to interpolate between them. It trains in a Web Worker, so the page stays responsive.',
    ),
    h(
      'div',
      { class: 'toolbar' },
      els.train,
      els.reset,
      labelled('start from', els.startFrom),
      h('span', {}, 'step ', els.step),
      h('span', {}, 'held-out −ELBO ', els.metric, ' nats'),
      h('span', {}, 'batch loss ', els.trainLoss),
      els.rate,
    ),
    h(
      'div',
      { class: 'toolbar' },
      labelled('learning rate', els.learningRate),
      labelled('batch size', els.batchSize),
      els.beta.element,
      labelled('latent size (restarts)', els.latentSize),
      labelled('hidden width (restarts)', els.hiddenSize),
      h('label', { class: 'control' }, els.conditional, 'conditional (by digit; restarts)'),
    ),
    els.origin,
    els.status,
    h(
      'div',
      { class: 'cards vae-row' },
      card(
        'Latent map (test digits): click two to interpolate',
        els.latentMap,
        els.latentNote,
        els.mapHint,
        h('div', { class: 'toolbar vae-ends' }, els.from.element, els.to.element),
        els.interpolation,
      ),
      card('Manifold: decoded grid over z₁, z₂ ∈ [−2, 2]', els.manifold, els.manifoldNote),
    ),
    h(
      'div',
      { class: 'cards vae-row' },
      card(
        'Loss (nats per image)',
        els.lossPlot,
        els.lossNote,
        h('h4', {}, 'KL term, held out'),
        els.klPlot,
      ),
      h(
        'div',
        { class: 'vae-stack' },
        card('Reconstructions', reconstructionRows),
        card('Samples from the prior', els.samplesBox, els.samplesNote),
      ),
    ),
  );
  return els;
}
