/** The estimators view's controls: cost, k, σ, samples per estimate, score-function baseline. */

import { type TestCost, type TestCostName, testCosts } from '@gen/estimators';
import { h, labelled } from '../../shell/dom.js';
import { type NumberField, numberField } from '../../shell/field.js';
import { formatNumber } from '../../shell/format.js';
import type { Baseline, ProblemSettings } from './sampler.js';

export interface EstimatorControls {
  element: HTMLElement;
  /** The σ field (validated: 0.25 to 3). */
  sigmaField: NumberField;
  cost(): TestCost;
  /** Index of the selected k in the cost's grid. */
  kIndex(): number;
  sigma(): number;
  samples(): number;
  baseline(): Baseline;
  /** The problem settings as plain data (the baseline as chosen, even when N = 1). */
  settings(): ProblemSettings;
  /** Shows `settings` and the k at `kIndex` (without notifying listeners). */
  apply(settings: ProblemSettings, kIndex: number): void;
  /** 'problem': anything that changes the estimates (restart); 'k': only the highlighted k. */
  onChange(listener: (what: 'problem' | 'k') => void): void;
}

function select(options: [string, string][], value: string): HTMLSelectElement {
  const element = h('select', {}, ...options.map(([v, text]) => h('option', { value: v }, text)));
  element.value = value;
  return element;
}

/** Builds the controls. */
export function buildControls(): EstimatorControls {
  const cost = select(
    Object.values(testCosts).map((c) => [c.name, c.label()]),
    'quadratic',
  );
  const k = h('input', { type: 'range', min: '0', step: '1' });
  const kValue = h('output', {});
  const sigma = numberField({
    label: 'σ',
    hint: '(μ = 1)',
    value: 1,
    min: 0.25,
    max: 3,
    step: 0.25,
    testid: 'sigma',
  });
  const samples = select(
    ['1', '2', '4', '8', '16', '32'].map((n) => [n, n]),
    '1',
  );
  const baseline = select(
    [
      ['none', 'none'],
      ['mean', 'mean (needs N ≥ 2)'],
      ['leaveOneOut', 'leave-one-out (needs N ≥ 2)'],
    ],
    'none',
  );
  const syncK = (reset: boolean) => {
    const grid = testCosts[cost.value as TestCostName].grid;
    k.max = String(grid.length - 1);
    if (reset) k.value = String(Math.floor(grid.length / 2));
    kValue.textContent = formatNumber(grid[k.valueAsNumber]!, { digits: 3 });
  };
  syncK(true);
  const element = h(
    'div',
    { class: 'toolbar' },
    labelled('cost f(x; k)', cost),
    h('label', { class: 'control' }, h('span', {}, 'k'), k, kValue),
    sigma.element,
    labelled('samples N per estimate', samples),
    labelled('score-function baseline', baseline),
  );
  return {
    element,
    sigmaField: sigma,
    cost: () => testCosts[cost.value as TestCostName],
    kIndex: () => k.valueAsNumber,
    sigma: () => sigma.value(),
    samples: () => Number(samples.value),
    // 'mean' and leave-one-out need two draws; with one, the score function runs without.
    baseline: () => (Number(samples.value) < 2 ? 'none' : (baseline.value as Baseline)),
    settings: () => ({
      cost: cost.value as TestCostName,
      sigma: sigma.value(),
      samples: Number(samples.value),
      baseline: baseline.value as Baseline,
    }),
    apply(settings, kIndex) {
      cost.value = settings.cost;
      syncK(true);
      k.value = String(kIndex);
      syncK(false);
      sigma.set(settings.sigma);
      samples.value = String(settings.samples);
      baseline.value = settings.baseline;
    },
    onChange(listener) {
      cost.addEventListener('change', () => {
        syncK(true);
        listener('problem');
      });
      k.addEventListener('input', () => {
        syncK(false);
        listener('k');
      });
      sigma.onChange(() => listener('problem'));
      for (const control of [samples, baseline]) {
        control.addEventListener('change', () => listener('problem'));
      }
    },
  };
}
