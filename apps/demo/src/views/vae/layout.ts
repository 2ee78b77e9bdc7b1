import { h, labelled } from '../../shell/dom.js';
import { digitCanvas } from './images.js';
import { MAP_POINTS, type PanelTargets } from './panels.js';
import { DEFAULT_SETTINGS } from './trainer.js';

/** The view's elements: controls, read-outs and panel targets. */
export interface VaeLayout extends PanelTargets {
  train: HTMLButtonElement;
  reset: HTMLButtonElement;
  /** Where a reset takes the weights from: `trained` (the shipped model) or `scratch`. */
  startFrom: HTMLSelectElement;
  /** Says where the current weights came from. */
  origin: HTMLElement;
  step: HTMLElement;
  metric: HTMLElement;
  trainLoss: HTMLElement;
  status: HTMLElement;
  learningRate: HTMLSelectElement;
  batchSize: HTMLSelectElement;
  beta: HTMLInputElement;
  latentSize: HTMLSelectElement;
  hiddenSize: HTMLSelectElement;
  from: HTMLInputElement;
  to: HTMLInputElement;
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

function number(min: number, max: number, step: number, value: number): HTMLInputElement {
  return h('input', {
    type: 'number',
    min: String(min),
    max: String(max),
    step: String(step),
    value: String(value),
  });
}

function card(title: string, ...children: (Node | string)[]): HTMLElement {
  return h('div', { class: 'card' }, h('h3', {}, title), ...children);
}

/** Builds the view inside `root` and returns its elements. */
export function buildLayout(root: HTMLElement): VaeLayout {
  const d = DEFAULT_SETTINGS;
  const els: VaeLayout = {
    train: h('button', { type: 'button', 'data-testid': 'train', disabled: '' }, 'Train'),
    reset: h('button', { type: 'button', disabled: '' }, 'Reset'),
    startFrom: startFromSelect(),
    origin: h('p', { 'data-testid': 'origin', class: 'note' }),
    step: h('span', { 'data-testid': 'step', class: 'stat' }, '0'),
    metric: h('span', { 'data-testid': 'metric', class: 'stat' }, '—'),
    trainLoss: h('span', { class: 'stat' }, '—'),
    status: h('p', { role: 'status', class: 'note' }, 'Loading MNIST and the trained model…'),
    learningRate: select([1e-4, 3e-4, 1e-3, 3e-3, 1e-2], d.learningRate),
    batchSize: select([16, 32, 64, 128, 256], d.batchSize),
    beta: number(0, 10, 0.1, d.beta),
    latentSize: select([2, 4, 8, 16, 32], d.latentSize),
    hiddenSize: select([64, 128, 256, 512], d.hiddenSize),
    from: number(0, MAP_POINTS - 1, 1, 0),
    to: number(0, MAP_POINTS - 1, 1, 1),
    reconstructions: digitCanvas(
      'Test digits (top row) and their reconstructions (bottom row)',
      640,
    ),
    samples: digitCanvas('Samples decoded from the prior', 640),
    manifold: digitCanvas('Digits decoded on a grid over the first two latent coordinates', 440),
    interpolation: digitCanvas('Digits decoded along the line between two posterior means', 640),
    latentMap: h('div', { class: 'plot' }),
    latentNote: h('p', { class: 'note' }),
  };
  root.append(
    h('h2', {}, 'VAE on MNIST'),
    h(
      'p',
      { class: 'lead' },
      'A variational autoencoder (Vae.mlp, Bernoulli decoder) starts from a model trained beforehand on all 60 000 MNIST digits, or from scratch, and trains on 10 000 dynamically binarised digits in your browser. ' +
        'The headline number is −ELBO per image (nats) on 256 held-out test digits; latent size 2 makes the map below the actual latent space.',
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
    ),
    h(
      'div',
      { class: 'toolbar' },
      labelled('learning rate', els.learningRate),
      labelled('batch size', els.batchSize),
      labelled('β (restarts)', els.beta),
      labelled('latent size (restarts)', els.latentSize),
      labelled('hidden width (restarts)', els.hiddenSize),
    ),
    els.origin,
    els.status,
    h(
      'div',
      { class: 'cards', style: 'align-items: start' },
      card('Reconstructions', els.reconstructions),
      card('Samples from the prior', els.samples),
      card('Latent map (test digits)', els.latentMap, els.latentNote),
      card('Manifold: decoded grid over z₁, z₂ ∈ [−2, 2]', els.manifold),
      card(
        'Interpolation between two test digits',
        h(
          'div',
          { class: 'toolbar' },
          labelled('from test digit #', els.from),
          labelled('to test digit #', els.to),
        ),
        els.interpolation,
      ),
    ),
  );
  return els;
}
