/**
 * The mode-collapse view's controls (native, labelled, keyboard accessible): data set, loss,
 * discriminator steps, instance noise (start std, decay), label smoothing, learning rate, batch
 * size and width. Every numeric entry is a validated `numberField`: a bad value is marked and
 * explained, and the last good one stays in force. Every valid change restarts training.
 */
import { h, labelled } from '../../shell/dom.js';
import { type NumberField, numberField } from '../../shell/field.js';
import { formatNumber } from '../../shell/format.js';
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

/** The learning rates offered (a select: Adam's step sizes worth comparing). */
export const LEARNING_RATES = [0.0005, 0.001, 0.002, 0.005] as const;

/** The controls' element, a reader of the settings and a change hook. */
export interface ModeCollapseControls {
  element: HTMLElement;
  /** The settings in force (every numeric field's last valid value). */
  settings(): ModeCollapseSettings;
  /** Shows `settings` in the controls without notifying listeners. */
  apply(settings: ModeCollapseSettings): void;
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
  const dSteps = numberField({
    label: 'D steps per G step',
    value: d.discriminatorSteps,
    min: 1,
    max: 10,
    integer: true,
    testid: 'd-steps',
  });
  const noiseStd = numberField({
    label: 'instance noise σ₀',
    value: d.noiseStd,
    min: 0,
    max: 2,
    step: 0.05,
    testid: 'noise-std',
  });
  const noiseDecay = numberField({
    label: 'noise decay (D steps)',
    value: d.noiseDecay,
    min: 1,
    max: 100000,
    step: 50,
    integer: true,
    testid: 'noise-decay',
  });
  const smoothing = numberField({
    label: 'real label (one-sided smoothing)',
    value: d.labelSmoothing,
    min: 0.5,
    max: 1,
    step: 0.05,
    testid: 'real-label',
  });
  const lr = select(
    'learningRate',
    LEARNING_RATES.map((v) => [String(v), formatNumber(v)] as const),
    String(d.learningRate),
  );
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
    smoothing.input.disabled = !labelSmoothingApplies(loss.value);
  };
  loss.addEventListener('change', syncSmoothing);
  syncSmoothing();
  const fields: NumberField[] = [dSteps, noiseStd, noiseDecay, smoothing];
  const element = h(
    'div',
    { class: 'toolbar' },
    labelled('data set', dataset),
    labelled('loss', loss),
    ...fields.map((f) => f.element),
    labelled('learning rate', lr),
    labelled('batch size', batch),
    labelled('hidden width', hidden),
  );
  return {
    element,
    settings: () => ({
      dataset: dataset.value as ModeToy,
      lossKey: loss.value,
      discriminatorSteps: dSteps.value(),
      noiseStd: noiseStd.value(),
      noiseDecay: noiseDecay.value(),
      labelSmoothing: smoothing.input.disabled ? 1 : smoothing.value(),
      learningRate: Number(lr.value),
      batchSize: Number(batch.value),
      hidden: Number(hidden.value),
      seed: d.seed,
    }),
    apply(s) {
      dataset.value = s.dataset;
      loss.value = s.lossKey;
      dSteps.set(s.discriminatorSteps);
      noiseStd.set(s.noiseStd);
      noiseDecay.set(s.noiseDecay);
      smoothing.set(s.labelSmoothing);
      lr.value = String(s.learningRate);
      batch.value = String(s.batchSize);
      hidden.value = String(s.hidden);
      syncSmoothing();
    },
    onChange(listener) {
      for (const el of [dataset, loss, lr, batch, hidden]) el.addEventListener('change', listener);
      for (const field of fields) field.onChange(listener);
    },
  };
}
