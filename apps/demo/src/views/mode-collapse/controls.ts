/**
 * The mode-collapse view's controls (native, labelled, keyboard accessible): data set, loss,
 * discriminator steps, instance noise (start std, decay), label smoothing, learning rate, batch
 * size and width. Every change restarts training.
 */
import { h, labelled } from '../../shell/dom.js';
import { LOSS_MENU } from './loss-menu.js';
import {
  DEFAULT_SETTINGS,
  labelSmoothingApplies,
  type ModeCollapseSettings,
  type ModeToy,
} from './settings.js';

function select(
  name: string,
  options: readonly (readonly [string, string])[],
  value: string,
): HTMLSelectElement {
  const el = h('select', { name });
  for (const [v, text] of options) el.append(h('option', { value: v }, text));
  el.value = value;
  return el;
}

function number(
  name: string,
  value: number,
  min: number,
  max: number,
  step: number,
): HTMLInputElement {
  return h('input', {
    type: 'number',
    name,
    value: String(value),
    min: String(min),
    max: String(max),
    step: String(step),
  });
}

/** Reads a number input, falling back to `fallback` when empty or outside [min, max]. */
function read(input: HTMLInputElement | HTMLSelectElement, fallback: number): number {
  const v = Number.parseFloat(input.value);
  const min = input instanceof HTMLInputElement ? Number.parseFloat(input.min) : -Infinity;
  const max = input instanceof HTMLInputElement ? Number.parseFloat(input.max) : Infinity;
  return Number.isFinite(v) && v >= min && v <= max ? v : fallback;
}

/** The controls' element, a reader of the settings and a change hook. */
export interface ModeCollapseControls {
  element: HTMLElement;
  settings(): ModeCollapseSettings;
  onChange(listener: () => void): void;
}

/** Builds the controls with {@link DEFAULT_SETTINGS}. */
export function buildControls(): ModeCollapseControls {
  const d = DEFAULT_SETTINGS;
  const dataset = select(
    'dataset',
    [
      ['ring8', 'ring of 8'],
      ['grid25', 'grid of 25'],
    ],
    d.dataset,
  );
  const loss = select('loss', LOSS_MENU, d.lossKey);
  const dSteps = number('discriminatorSteps', d.discriminatorSteps, 1, 10, 1);
  const noiseStd = number('noiseStd', d.noiseStd, 0, 2, 0.05);
  const noiseDecay = number('noiseDecay', d.noiseDecay, 1, 100000, 50);
  const smoothing = number('labelSmoothing', d.labelSmoothing, 0.5, 1, 0.05);
  const rates: [string, string][] = [
    ['0.0005', '5e-4'],
    ['0.001', '1e-3'],
    ['0.002', '2e-3'],
    ['0.005', '5e-3'],
  ];
  const lr = select('learningRate', rates, String(d.learningRate));
  const batch = select(
    'batchSize',
    ['32', '64', '128', '256', '512'].map((v) => [v, v]),
    String(d.batchSize),
  );
  const hidden = select(
    'hidden',
    ['32', '64', '128'].map((v) => [v, v]),
    String(d.hidden),
  );
  const syncSmoothing = () => {
    smoothing.disabled = !labelSmoothingApplies(loss.value);
  };
  loss.addEventListener('change', syncSmoothing);
  syncSmoothing();
  const element = h(
    'div',
    { class: 'toolbar' },
    labelled('data set', dataset),
    labelled('loss', loss),
    labelled('D steps per G step', dSteps),
    labelled('instance noise σ₀', noiseStd),
    labelled('noise decay (D steps)', noiseDecay),
    labelled('real label (one-sided smoothing)', smoothing),
    labelled('learning rate', lr),
    labelled('batch size', batch),
    labelled('hidden width', hidden),
  );
  return {
    element,
    settings: () => ({
      dataset: dataset.value as ModeToy,
      lossKey: loss.value,
      discriminatorSteps: Math.round(read(dSteps, d.discriminatorSteps)),
      noiseStd: read(noiseStd, d.noiseStd),
      noiseDecay: Math.round(read(noiseDecay, d.noiseDecay)),
      labelSmoothing: smoothing.disabled ? 1 : read(smoothing, d.labelSmoothing),
      learningRate: read(lr, d.learningRate),
      batchSize: read(batch, d.batchSize),
      hidden: read(hidden, d.hidden),
      seed: d.seed,
    }),
    onChange(listener) {
      for (const el of [
        dataset,
        loss,
        dSteps,
        noiseStd,
        noiseDecay,
        smoothing,
        lr,
        batch,
        hidden,
      ]) {
        el.addEventListener('change', listener);
      }
    },
  };
}
