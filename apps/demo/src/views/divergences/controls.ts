/**
 * The divergences view's controls: the editable target mixture (weight, mean, std per
 * component), the divergences to fit with, and where the fits start.
 */
import { h, labelled } from '../../shell/dom.js';
import { DEFAULT_START, FIT_LABELS, FIT_NAMES, type FitName } from './fits.js';
import { type Component, DEFAULT_COMPONENTS } from './mixture.js';

const DEFAULT_SELECTED: readonly FitName[] = [
  'kl',
  'reverse-kl',
  'js',
  'squared-hellinger',
  'pearson',
];

function numberInput(value: number, attributes: Record<string, string>): HTMLInputElement {
  return h('input', { type: 'number', value: String(value), ...attributes });
}

/** The controls' elements and readers. */
export interface DivergenceControls {
  element: HTMLElement;
  /** The components as typed (not yet validated). */
  components(): Component[];
  /** The divergences ticked, in table order. */
  selected(): FitName[];
  start(): { mu: number; sigma: number };
  /** Calls `listener` when the mixture or the start changes (refit) or the selection changes. */
  onChange(listener: (what: 'target' | 'selection') => void): void;
}

/** Builds the controls. */
export function buildControls(): DivergenceControls {
  const rows = DEFAULT_COMPONENTS.map((c, i) => {
    const weight = numberInput(c.weight, { min: '0', max: '1', step: '0.05' });
    const mean = numberInput(c.mean, { min: '-8', max: '8', step: '0.1' });
    const std = numberInput(c.std, { min: '0.2', max: '4', step: '0.05' });
    const element = h(
      'fieldset',
      {},
      h('legend', {}, `component ${i + 1}`),
      labelled('weight', weight),
      labelled('mean', mean),
      labelled('std', std),
    );
    return { element, weight, mean, std };
  });
  const boxes = FIT_NAMES.map((name) => {
    const box = h('input', { type: 'checkbox', value: name });
    box.checked = DEFAULT_SELECTED.includes(name);
    return box;
  });
  const startMu = numberInput(DEFAULT_START.mu, { min: '-8', max: '8', step: '0.1' });
  const startSigma = numberInput(DEFAULT_START.sigma, { min: '0.3', max: '6', step: '0.1' });
  const element = h(
    'div',
    { class: 'toolbar' },
    ...rows.map((r) => r.element),
    h(
      'fieldset',
      {},
      h('legend', {}, 'fit with'),
      ...boxes.map((box, i) => h('label', { class: 'control' }, box, FIT_LABELS[FIT_NAMES[i]!])),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'start'),
      labelled('μ₀', startMu),
      labelled('σ₀', startSigma),
    ),
  );
  return {
    element,
    components: () =>
      rows.map((r) => ({
        weight: r.weight.valueAsNumber,
        mean: r.mean.valueAsNumber,
        std: r.std.valueAsNumber,
      })),
    selected: () => FIT_NAMES.filter((_, i) => boxes[i]!.checked),
    start: () => ({ mu: startMu.valueAsNumber, sigma: startSigma.valueAsNumber }),
    onChange(listener) {
      for (const input of [
        ...rows.flatMap((r) => [r.weight, r.mean, r.std]),
        startMu,
        startSigma,
      ]) {
        input.addEventListener('change', () => listener('target'));
      }
      for (const box of boxes) box.addEventListener('change', () => listener('selection'));
    },
  };
}
