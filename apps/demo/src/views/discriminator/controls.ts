/**
 * The discriminator view's controls: the data distribution, the objective, the separation Δ
 * (with an animation that sweeps it), and the training settings. Every number is a validated
 * {@link numberField}: a bad entry is marked and refused, the last good value stays in force.
 */
import { h, labelled } from '../../shell/dom.js';
import { type NumberField, numberField } from '../../shell/field.js';
import { DEFAULT_SETTINGS, OBJECTIVES, type Objective, type ProbeSettings } from './model.js';
import { MAX_SEPARATION, SHAPES } from './theory.js';

/** A preset: the objective, Δ, whether Δ sweeps, and what to watch. */
export interface Preset {
  id: string;
  label: string;
  objective: Objective;
  separation: number;
  animate: boolean;
  story: string;
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'optimum',
    label: 'D learns D*',
    objective: 'minimax',
    separation: 2,
    animate: false,
    story:
      'The trained D(x) (green) settles on D*(x) = p/(p + q) (dashed), and its loss on ' +
      'log 4 − 2·JSD(p‖q): the optimal discriminator turns the GAN game into the Jensen–Shannon divergence.',
  },
  {
    id: 'saturate',
    label: 'JSD saturates: sweep Δ',
    objective: 'minimax',
    separation: 0.5,
    animate: true,
    story:
      'Δ sweeps from 0 to 6 and back while D keeps training. Once p and q stop overlapping, ' +
      'D* is a step, JSD sits at log 2 and dJSD/dΔ is 0: a generator gets no signal from it. ' +
      'W₁ keeps growing with Δ, its gradient stays 1.',
  },
  {
    id: 'unconstrained',
    label: 'WGAN critic, no constraint',
    objective: 'wasserstein-free',
    separation: 2,
    animate: false,
    story:
      'The Wasserstein dual sup E_p f − E_q f is W₁ only over 1-Lipschitz f. Without that ' +
      'constraint the critic just grows steeper: its value (and loss) run off without bound.',
  },
  {
    id: 'gradient-penalty',
    label: 'WGAN critic, gradient penalty',
    objective: 'wasserstein-gp',
    separation: 2,
    animate: false,
    story:
      'The gradient penalty λ·E(‖∇f‖ − 1)² keeps the critic’s slope near 1: its value ' +
      'E_p f − E_q f approaches W₁ = Δ and its shape the optimal critic, a line of slope −1.',
  },
  {
    id: 'clipping',
    label: 'WGAN critic, weight clipping',
    objective: 'wasserstein-clip',
    separation: 2,
    animate: false,
    story:
      'Clipping every weight to [−c, c] bounds the critic’s slope by some constant K: its value ' +
      'stays below K·W₁ — bounded, but a W₁ of unknown scale.',
  },
];

/** What a change affects: the generator's Δ only, or the whole run (restart). */
export type ChangeKind = 'separation' | 'run';

export interface DiscriminatorControls {
  element: HTMLElement;
  separation: NumberField;
  animate: HTMLInputElement;
  settings(): ProbeSettings;
  /** The preset chosen. */
  preset(): string;
  /** Shows `settings` and `preset` (e.g. after a backend switch) without notifying listeners. */
  apply(settings: ProbeSettings, preset: string): void;
  onChange(listener: (kind: ChangeKind) => void): void;
}

function select(name: string, options: readonly (readonly [string, string])[], value: string) {
  const el = h('select', { name, 'data-testid': name });
  for (const [v, text] of options) el.append(h('option', { value: v }, text));
  el.value = value;
  return el;
}

/** Builds the controls with {@link DEFAULT_SETTINGS}. */
export function buildControls(): DiscriminatorControls {
  const d = DEFAULT_SETTINGS;
  const shape = select(
    'shape',
    SHAPES.map((s) => [s.id, s.label] as const),
    SHAPES[0]!.id,
  );
  const objective = select('objective', OBJECTIVES, d.objective);
  const preset = select(
    'preset',
    PRESETS.map((p) => [p.id, p.label] as const),
    PRESETS[0]!.id,
  );
  const story = h('p', { class: 'note', 'data-testid': 'story' }, PRESETS[0]!.story);
  const separation = numberField({
    label: 'separation Δ',
    value: d.separation,
    min: 0,
    max: MAX_SEPARATION,
    step: 0.1,
    testid: 'separation',
  });
  const animate = h('input', { type: 'checkbox', 'data-testid': 'animate' });
  const learningRate = numberField({
    label: 'learning rate',
    value: d.learningRate,
    min: 1e-5,
    max: 0.05,
    step: 0.0005,
    testid: 'learning-rate',
  });
  const batchSize = numberField({
    label: 'batch size',
    value: d.batchSize,
    min: 8,
    max: 1024,
    integer: true,
    testid: 'batch-size',
  });
  const hidden = numberField({
    label: 'hidden width',
    value: d.hidden,
    min: 4,
    max: 128,
    integer: true,
    testid: 'hidden',
  });
  const clip = numberField({
    label: 'clip c',
    value: d.clip,
    min: 0.001,
    max: 10,
    step: 0.01,
    testid: 'clip',
    hint: '(weight clipping)',
  });
  const lambda = numberField({
    label: 'penalty λ',
    value: d.lambda,
    min: 0.01,
    max: 100,
    step: 1,
    testid: 'lambda',
    hint: '(gradient penalty)',
  });
  const element = h(
    'div',
    {},
    h('div', { class: 'toolbar' }, labelled('preset', preset), story),
    h(
      'div',
      { class: 'toolbar' },
      labelled('data p', shape),
      labelled('trained as', objective),
      separation.element,
      h('label', { class: 'control' }, animate, 'animate Δ'),
      learningRate.element,
      batchSize.element,
      hidden.element,
      clip.element,
      lambda.element,
    ),
  );
  return {
    element,
    separation,
    animate,
    settings: () => ({
      shape: SHAPES.find((s) => s.id === shape.value) ?? SHAPES[0]!,
      objective: objective.value as Objective,
      separation: separation.value(),
      learningRate: learningRate.value(),
      batchSize: batchSize.value(),
      hidden: hidden.value(),
      clip: clip.value(),
      lambda: lambda.value(),
      seed: d.seed,
    }),
    preset: () => preset.value,
    apply(settings, presetId) {
      const chosen = PRESETS.find((p) => p.id === presetId);
      if (chosen !== undefined) {
        preset.value = chosen.id;
        story.textContent = chosen.story;
      }
      shape.value = settings.shape.id;
      objective.value = settings.objective;
      separation.set(settings.separation);
      learningRate.set(settings.learningRate);
      batchSize.set(settings.batchSize);
      hidden.set(settings.hidden);
      clip.set(settings.clip);
      lambda.set(settings.lambda);
    },
    onChange(listener) {
      separation.onChange(() => listener('separation'));
      for (const field of [learningRate, batchSize, hidden]) field.onChange(() => listener('run'));
      clip.onChange(() => {
        if (objective.value === 'wasserstein-clip') listener('run');
      });
      lambda.onChange(() => {
        if (objective.value === 'wasserstein-gp') listener('run');
      });
      shape.addEventListener('change', () => listener('run'));
      preset.addEventListener('change', () => {
        const chosen = PRESETS.find((p) => p.id === preset.value) ?? PRESETS[0]!;
        objective.value = chosen.objective;
        separation.set(chosen.separation);
        animate.checked = chosen.animate;
        story.textContent = chosen.story;
        listener('run');
      });
      objective.addEventListener('change', () => listener('run'));
    },
  };
}
