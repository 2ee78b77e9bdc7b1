/**
 * The density playground's controls: data set, model, GAN loss, GMM components, learning rate
 * and batch size (every change starts a new run), and whether to draw the model's samples.
 */
import { h, labelled } from '../../shell/dom.js';
import { LOSS_MENU } from '../mode-collapse/loss-menu.js';
import { MODEL_LABELS, MODEL_NAMES, type ModelName } from './models.js';
import type { RunSettings } from './session.js';

/** The 2-D data sets offered (all from `makeToy`). */
export const DATASETS = [
  'moons',
  '8gaussians',
  'checkerboard',
  'circles',
  'pinwheel',
  'spirals',
  'swiss-roll',
  'ring8',
  'grid25',
] as const;

function select(name: string, options: readonly (readonly [string, string])[], value: string) {
  const el = h('select', { name });
  for (const [v, text] of options) el.append(h('option', { value: v }, text));
  el.value = value;
  return el;
}

/** The controls' element, a reader of the settings, a change hook and the display toggle. */
export interface DensityControls {
  element: HTMLElement;
  settings(): RunSettings;
  /** Shows `settings` in the controls (without starting a run). */
  apply(settings: RunSettings): void;
  /** Listens to the run settings (every change starts a new run). */
  onChange(listener: () => void): void;
  /** Whether the model's samples are drawn (a display option: no new run). */
  showSamples(): boolean;
  onDisplayChange(listener: () => void): void;
}

/** Builds the controls (defaults: moons, Gaussian mixture with 8 components). */
export function buildControls(): DensityControls {
  const dataset = select(
    'dataset',
    [...DATASETS.map((d) => [d, d] as const), ['custom', 'custom (draw it)'] as const],
    'moons',
  );
  const model = select(
    'model',
    MODEL_NAMES.map((m) => [m, MODEL_LABELS[m]] as const),
    'gmm',
  );
  const loss = select('loss', LOSS_MENU, 'non-saturating');
  const components = select(
    'components',
    ['2', '4', '8', '16'].map((v) => [v, v] as const),
    '8',
  );
  const rates = ['0.0003', '0.001', '0.003', '0.01'];
  const lr = select(
    'learningRate',
    rates.map((v) => [v, v] as const),
    '0.003',
  );
  const batch = select(
    'batchSize',
    ['32', '64', '128', '256'].map((v) => [v, v] as const),
    '128',
  );
  const samples = h('input', { type: 'checkbox', name: 'showSamples' });
  samples.checked = true;
  const lossLabel = labelled('GAN loss', loss);
  const componentsLabel = labelled('components (GMM)', components);
  const lrLabel = labelled('learning rate', lr);
  const batchLabel = labelled('batch size', batch);
  const sync = () => {
    // `hidden` loses to the labels' CSS display: set display itself.
    lossLabel.style.display = model.value === 'gan' ? '' : 'none';
    componentsLabel.style.display = model.value === 'gmm' ? '' : 'none';
    // EM has no learning rate and uses every point in each step: no batch either.
    const gradient = model.value !== 'gmm' ? '' : 'none';
    lrLabel.style.display = gradient;
    batchLabel.style.display = gradient;
  };
  model.addEventListener('change', sync);
  sync();
  const element = h(
    'div',
    { class: 'toolbar' },
    labelled('data set', dataset),
    labelled('model', model),
    lossLabel,
    componentsLabel,
    lrLabel,
    batchLabel,
    labelled('show samples', samples),
  );
  return {
    element,
    settings: () => ({
      dataset: dataset.value as RunSettings['dataset'],
      model: model.value as ModelName,
      lossKey: loss.value,
      components: Number.parseInt(components.value, 10),
      learningRate: Number.parseFloat(lr.value),
      batchSize: Number.parseInt(batch.value, 10),
      seed: 0,
    }),
    apply(s) {
      dataset.value = s.dataset;
      model.value = s.model;
      loss.value = s.lossKey;
      components.value = String(s.components);
      lr.value = String(s.learningRate);
      batch.value = String(s.batchSize);
      sync();
    },
    onChange(listener) {
      for (const el of [dataset, model, loss, components, lr, batch]) {
        el.addEventListener('change', listener);
      }
    },
    showSamples: () => samples.checked,
    onDisplayChange(listener) {
      samples.addEventListener('change', listener);
    },
  };
}
