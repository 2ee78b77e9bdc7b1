/**
 * The divergences view's controls: the editable target mixture (weight, mean, std per
 * component, each a validated {@link numberField}), the divergences to fit with, where the fits
 * start, and story-telling presets.
 */
import { h } from '../../shell/dom.js';
import { type NumberField, numberField } from '../../shell/field.js';
import { DEFAULT_START, FIT_LABELS, FIT_NAMES, type FitName } from './fits.js';
import { type Component, DEFAULT_COMPONENTS } from './mixture.js';

const DEFAULT_SELECTED: readonly FitName[] = [
  'kl',
  'reverse-kl',
  'js',
  'squared-hellinger',
  'pearson',
];

/** The ranges of the fields (the drag handles on the plot keep to them too). */
export const RANGES = {
  weight: { min: 0, max: 1, step: 0.05 },
  mean: { min: -8, max: 8, step: 0.1 },
  std: { min: 0.2, max: 4, step: 0.05 },
  startMu: { min: -8, max: 8, step: 0.1 },
  startSigma: { min: 0.3, max: 6, step: 0.1 },
} as const;

/** A preset: the whole mixture (three components), the start and what it shows. */
export interface Preset {
  id: string;
  label: string;
  story: string;
  components: readonly Component[];
  start: { mu: number; sigma: number };
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'kl-vs-reverse',
    label: 'KL vs reverse KL',
    story:
      'Two equal, well-separated modes: reverse KL (mode seeking) settles on the mode nearer its ' +
      'start, KL (mass covering) stretches over both, with its σ spanning the gap.',
    components: [
      { weight: 0.5, mean: -3, std: 0.6 },
      { weight: 0.5, mean: 3, std: 0.6 },
      { weight: 0, mean: 6, std: 0.5 },
    ],
    start: { mu: -1, sigma: 1 },
  },
  {
    id: 'one-gaussian',
    label: 'one Gaussian',
    story:
      'The target is itself a Gaussian N(1, 1.2²): every divergence reaches 0 at the same q, so ' +
      'all fits end on top of each other, whatever the start.',
    components: [
      { weight: 1, mean: 1, std: 1.2 },
      { weight: 0, mean: -2, std: 0.6 },
      { weight: 0, mean: 5, std: 0.5 },
    ],
    start: { mu: -1, sigma: 1.5 },
  },
  {
    id: 'spike-on-base',
    label: 'spike on a broad base',
    story:
      'A narrow spike on a wide base at the same place: no fit moves, but they disagree on the ' +
      'width. Reverse KL hugs the spike; KL and Pearson χ² widen to cover the base.',
    components: [
      { weight: 0.7, mean: 0, std: 0.3 },
      { weight: 0.3, mean: 0, std: 2.5 },
      { weight: 0, mean: 5, std: 0.5 },
    ],
    start: { mu: 0.5, sigma: 2.5 },
  },
];

/** The three fields of one mixture component. */
export interface ComponentFields {
  weight: NumberField;
  mean: NumberField;
  std: NumberField;
}

/** The controls' elements and readers. */
export interface DivergenceControls {
  element: HTMLElement;
  /** The preset buttons (their own toolbar row). */
  presets: HTMLElement;
  /** One line under the presets saying what the last chosen preset shows. */
  story: HTMLElement;
  fields: {
    components: readonly ComponentFields[];
    startMu: NumberField;
    startSigma: NumberField;
  };
  /** The components' last valid values (the mixture itself is checked by the view). */
  components(): Component[];
  /** The divergences ticked, in table order. */
  selected(): FitName[];
  start(): { mu: number; sigma: number };
  /** Sets the fields (each through `numberField.set`) without notifying listeners. */
  setComponents(components: readonly Component[]): void;
  setStart(start: { mu: number; sigma: number }): void;
  /** Ticks exactly the divergences in `names`, without notifying listeners. */
  setSelected(names: readonly FitName[]): void;
  /** Calls `listener` when the mixture or the start changes (refit) or the selection changes. */
  onChange(listener: (what: 'target' | 'selection') => void): void;
  /** Calls `listener` with a preset after its values are in the fields. */
  onPreset(listener: (preset: Preset) => void): void;
}

/** Builds the controls. */
export function buildControls(): DivergenceControls {
  const components = DEFAULT_COMPONENTS.map((c, i): ComponentFields => {
    const n = i + 1;
    return {
      weight: numberField({
        label: `weight ${n}`,
        value: c.weight,
        ...RANGES.weight,
        testid: `weight-${n}`,
      }),
      mean: numberField({ label: `mean ${n}`, value: c.mean, ...RANGES.mean, testid: `mean-${n}` }),
      std: numberField({ label: `std ${n}`, value: c.std, ...RANGES.std, testid: `std-${n}` }),
    };
  });
  const boxes = FIT_NAMES.map((name) => {
    const box = h('input', { type: 'checkbox', value: name });
    box.checked = DEFAULT_SELECTED.includes(name);
    return box;
  });
  const startMu = numberField({
    label: 'μ₀',
    value: DEFAULT_START.mu,
    ...RANGES.startMu,
    testid: 'start-mu',
  });
  const startSigma = numberField({
    label: 'σ₀',
    value: DEFAULT_START.sigma,
    ...RANGES.startSigma,
    testid: 'start-sigma',
  });
  const element = h(
    'div',
    { class: 'toolbar divergence-controls' },
    ...components.map((c, i) =>
      h(
        'fieldset',
        {},
        h('legend', {}, `component ${i + 1}`),
        c.weight.element,
        c.mean.element,
        c.std.element,
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'fit with'),
      ...boxes.map((box, i) => h('label', { class: 'control' }, box, FIT_LABELS[FIT_NAMES[i]!])),
    ),
    h('fieldset', {}, h('legend', {}, 'start'), startMu.element, startSigma.element),
  );
  const presetButtons = PRESETS.map((preset) =>
    h('button', { type: 'button', 'data-preset': preset.id, title: preset.story }, preset.label),
  );
  const presets = h(
    'div',
    { class: 'presets', role: 'group', 'aria-label': 'presets' },
    h('span', {}, 'Presets:'),
    ...presetButtons,
  );
  const story = h('p', { class: 'note', 'data-testid': 'preset-story' });

  const setComponents = (list: readonly Component[]) => {
    list.forEach((c, i) => {
      const fields = components[i];
      if (fields === undefined) return;
      fields.weight.set(c.weight);
      fields.mean.set(c.mean);
      fields.std.set(c.std);
    });
  };
  const setStart = (start: { mu: number; sigma: number }) => {
    startMu.set(start.mu);
    startSigma.set(start.sigma);
  };
  const presetListeners: ((preset: Preset) => void)[] = [];
  presetButtons.forEach((button, i) => {
    button.addEventListener('click', () => {
      const preset = PRESETS[i]!;
      setComponents(preset.components);
      setStart(preset.start);
      story.textContent = preset.story;
      for (const listener of presetListeners) listener(preset);
    });
  });

  return {
    element,
    presets,
    story,
    fields: { components, startMu, startSigma },
    components: () =>
      components.map((c) => ({
        weight: c.weight.value(),
        mean: c.mean.value(),
        std: c.std.value(),
      })),
    selected: () => FIT_NAMES.filter((_, i) => boxes[i]!.checked),
    start: () => ({ mu: startMu.value(), sigma: startSigma.value() }),
    setComponents,
    setStart,
    setSelected(names) {
      boxes.forEach((box, i) => {
        box.checked = names.includes(FIT_NAMES[i]!);
      });
    },
    onChange(listener) {
      for (const field of [
        ...components.flatMap((c) => [c.weight, c.mean, c.std]),
        startMu,
        startSigma,
      ]) {
        field.onChange(() => listener('target'));
      }
      for (const box of boxes) box.addEventListener('change', () => listener('selection'));
    },
    onPreset(listener) {
      presetListeners.push(listener);
    },
  };
}
