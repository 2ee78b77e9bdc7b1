import {
  assertFiniteNumber,
  assertInteger,
  assertKnownOptions,
  assertPositive,
  InvalidArgumentError,
  invalidArgument,
  type Network,
} from '@gen/core';
import type { EmaSettings } from './ema.js';
import { assertGanLoss, type GanLoss, supportsLabelSmoothing } from './losses.js';
import { GAN_CONDITIONINGS, type GanConditioning } from './mlp-critic.js';

/** Options of `new Gan(...)`. */
export interface GanOptions extends GanTrainingOptions {
  /**
   * z: [n, latentSize] → x: [n, ...dataShape]. Any `Network`: a @gen/nn `Module`,
   * `fromLayersModel(model)` or your own `{ apply, trainableVariables, getWeights, setWeights,
   * dispose }`.
   */
  generator: Network;
  /** x: [n, ...dataShape] → one logit / critic value per example ([n, 1] or [n]); any `Network`. */
  discriminator: Network;
  latentSize: number;
  /**
   * Makes the GAN class-conditional on c: [n, conditionSize] (one-hot labels for classes): the
   * generator then gets [z, c] (`latentSize + conditionSize` columns) and the discriminator
   * [x, c] (c appended to x's last axis), and the methods take `{ x, condition }` batches and
   * `{ condition }` options.
   */
  conditionSize?: number;
  /**
   * @deprecated Ignored: the losses take their randomness from their `rng` argument, so a `Gan`
   * holds no generator of its own. Accepted so that existing calls keep working.
   */
  seed?: number;
}

/** Options of `Gan.mlp(...)`. */
export interface GanMlpOptions extends GanTrainingOptions {
  dataSize: number;
  latentSize: number;
  /** Hidden widths of both networks (leaky ReLU), e.g. [128, 128]. */
  hiddenSizes: readonly number[];
  /**
   * Makes the GAN class-conditional (see {@link GanOptions.conditionSize}): the generator maps
   * [z, c] to x, the discriminator conditions on c as `conditioning` says.
   */
  conditionSize?: number;
  /**
   * How the discriminator uses the condition (only with `conditionSize`; default
   * 'projection', Miyato & Koyama 2018; see {@link GanConditioning}).
   */
  conditioning?: GanConditioning;
  /**
   * Spectral normalisation of every discriminator kernel (Miyato et al. 2018; default false):
   * one power-iteration step per discriminator update, its vectors saved with the weights.
   */
  spectralNorm?: boolean;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}

/** Options of `Gan.dcgan(...)` (images as `[n, 784]` in [0, 1]). */
export interface GanDcganOptions extends GanTrainingOptions {
  latentSize: number;
  /**
   * Makes the GAN class-conditional (see {@link GanOptions.conditionSize}): the generator's
   * first layer maps [z, c], the discriminator conditions on c as `conditioning` says.
   */
  conditionSize?: number;
  /**
   * How the discriminator uses the condition (only with `conditionSize`; default
   * 'projection'): `'projection'` adds ⟨E c, φ(x)⟩ to the logit, φ(x) the flattened
   * convolutional features; `'concat'` gives the first convolution c as extra constant
   * channels. See {@link GanConditioning}.
   */
  conditioning?: GanConditioning;
  /**
   * w, the channels of the generator's last hidden layer and of the discriminator's first; the
   * layers next to them have 2w (default 32).
   */
  width?: number;
  /**
   * The discriminator's own w, its first layer's channels (default: `width`), so the critic can
   * be sized apart from the generator.
   */
  discriminatorWidth?: number;
  /**
   * Batch normalisation before the generator's hidden ReLUs, as in the DCGAN paper (default
   * false). `Gan.sample` then uses the running statistics, which are saved with the weights.
   */
  batchNorm?: boolean;
  /**
   * Batch normalisation before the discriminator's second leaky ReLU (default false). The
   * losses then run the critic over the real batch and the fakes apart, in training mode;
   * `Gan.critic` uses the running statistics, which are saved with the weights.
   */
  discriminatorBatchNorm?: boolean;
  /**
   * Spectral normalisation of every discriminator kernel (Miyato et al. 2018; default false):
   * one power-iteration step per discriminator update, its vectors saved with the weights.
   */
  spectralNorm?: boolean;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}

/**
 * One-sided label smoothing that decays: the real label is s_t = value + (1 − value)·min(1,
 * t/decaySteps) after t discriminator updates, from `value` up to 1 (no smoothing).
 */
export interface LabelSmoothingSchedule {
  value: number;
  decaySteps: number;
}

/**
 * An exponential moving average of the generator's weights (Yazıcı et al. 2019), which
 * `sample` uses: after the t-th generator update ē ← w for t ≤ start, else ē ← decay·ē +
 * (1 − decay)·w.
 */
export interface GanEmaOptions {
  /** β in (0, 1), e.g. 0.999. */
  decay: number;
  /** Generator updates during which the average just copies the weights (default 0). */
  start?: number;
}

/** Training-time options every {@link Gan} constructor and factory accepts. */
export interface GanTrainingOptions {
  /** The adversarial objective (default 'non-saturating'). */
  loss?: GanLoss;
  /**
   * Discriminator updates per generator update, as metadata for @gen/train's
   * `fitAdversarial(gan, x, { discriminatorSteps: gan.discriminatorSteps })` (default 5 for
   * 'wasserstein' and 'wasserstein-gp', else 1).
   */
  discriminatorSteps?: number;
  /** 'wasserstein' only: critic weights are clipped to [−c, c] (default 0.01). */
  clipValue?: number;
  /** 'wasserstein-gp' only: the penalty weight λ (default 10). */
  gradientPenalty?: number;
  /**
   * γ of the R1 penalty (Mescheder et al. 2018), any loss: (γ/2)·E‖∇ₓD(x)‖² over the real
   * batch (after instance noise) is added to the discriminator's loss (default 0: none). Costs a
   * second-order gradient per discriminator update.
   */
  r1Penalty?: number;
  /**
   * γ of the R2 penalty (Mescheder et al. 2018), any loss: (γ/2)·E‖∇ₓD(x̃)‖² over the fakes
   * (after instance noise) is added to the discriminator's loss (default 0: none).
   */
  r2Penalty?: number;
  /**
   * Gaussian noise added to real and fake inputs of D, with std σ·max(0, 1 − t/decaySteps)
   * after t discriminator updates (Sønderby et al. 2017; Arjovsky & Bottou 2017). t is counted
   * by `afterDiscriminatorStep()` and is part of `getState()`.
   */
  instanceNoise?: { std: number; decaySteps: number };
  /**
   * One-sided label smoothing: the real label s ∈ (0, 1] (Salimans et al. 2016; e.g. 0.9), or
   * a {@link LabelSmoothingSchedule} that decays it to 1 over the discriminator updates; only
   * with the losses of `supportsLabelSmoothing`.
   */
  labelSmoothing?: number | LabelSmoothingSchedule;
  /**
   * Label flipping: each pair (real example i, fake i) swaps places in the discriminator's loss
   * with probability p ∈ [0, 0.5) (default 0), drawn from the loss's `rng`, so a run replays.
   */
  labelFlip?: number;
  /** An exponential moving average of the generator's weights for sampling (default none). */
  ema?: GanEmaOptions;
}

export interface ParsedTraining {
  loss: GanLoss;
  discriminatorSteps: number;
  clipValue: number;
  gradientPenalty: number;
  r1Penalty: number;
  r2Penalty: number;
  noise: { std: number; decaySteps: number } | null;
  labelSmoothing: { value: number; decaySteps: number | null };
  labelFlip: number;
  ema: EmaSettings | null;
}

export const TRAINING_KEYS = [
  'loss',
  'discriminatorSteps',
  'clipValue',
  'gradientPenalty',
  'r1Penalty',
  'r2Penalty',
  'instanceNoise',
  'labelSmoothing',
  'labelFlip',
  'ema',
];

export function assertObject(fn: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument(fn, 'options', options, 'must be an options object');
  }
  assertKnownOptions(fn, options, known);
}

/** Validates the training options; the loss-specific ones only with their loss. */
export function parseTraining(fn: string, o: GanTrainingOptions): ParsedTraining {
  const loss = o.loss ?? 'non-saturating';
  assertGanLoss(fn, loss);
  const wasserstein = loss === 'wasserstein' || loss === 'wasserstein-gp';
  const only = (key: keyof GanTrainingOptions, which: string, ok: boolean) => {
    if (o[key] !== undefined && !ok) {
      throw new InvalidArgumentError(`${fn}: option '${key}' is only used with loss ${which}`);
    }
  };
  only('clipValue', "'wasserstein'", loss === 'wasserstein');
  only('gradientPenalty', "'wasserstein-gp'", loss === 'wasserstein-gp');
  const discriminatorSteps = o.discriminatorSteps ?? (wasserstein ? 5 : 1);
  assertInteger(fn, 'discriminatorSteps', discriminatorSteps, 1);
  const clipValue = o.clipValue ?? 0.01;
  assertPositive(fn, 'clipValue', clipValue);
  const gradientPenalty = o.gradientPenalty ?? 10;
  assertFiniteNumber(fn, 'gradientPenalty', gradientPenalty);
  if (gradientPenalty < 0)
    throw invalidArgument(fn, 'gradientPenalty', gradientPenalty, 'must be ≥ 0');
  const penalty = (key: 'r1Penalty' | 'r2Penalty') => {
    const gamma = o[key] ?? 0;
    assertFiniteNumber(fn, key, gamma);
    if (gamma < 0) throw invalidArgument(fn, key, gamma, 'must be ≥ 0');
    return gamma;
  };
  const r1Penalty = penalty('r1Penalty');
  const r2Penalty = penalty('r2Penalty');
  const labelSmoothing = parseSmoothing(fn, o.labelSmoothing);
  if (labelSmoothing.value !== 1 && !supportsLabelSmoothing(loss)) {
    throw new InvalidArgumentError(
      `${fn}: option 'labelSmoothing' is only used with 'minimax', 'non-saturating' or 'least-squares'`,
    );
  }
  let noise: ParsedTraining['noise'] = null;
  if (o.instanceNoise !== undefined) {
    assertObject(`${fn}: instanceNoise`, o.instanceNoise, ['std', 'decaySteps']);
    const { std, decaySteps } = o.instanceNoise;
    assertPositive(fn, 'instanceNoise.std', std);
    assertInteger(fn, 'instanceNoise.decaySteps', decaySteps, 1);
    noise = { std, decaySteps };
  }
  const labelFlip = o.labelFlip ?? 0;
  assertFiniteNumber(fn, 'labelFlip', labelFlip);
  if (labelFlip < 0 || labelFlip >= 0.5) {
    throw invalidArgument(fn, 'labelFlip', labelFlip, 'must be a probability in [0, 0.5)');
  }
  return {
    loss,
    discriminatorSteps,
    clipValue,
    gradientPenalty,
    r1Penalty,
    r2Penalty,
    noise,
    labelSmoothing,
    labelFlip,
    ema: parseEma(fn, o.ema),
  };
}

function parseSmoothing(
  fn: string,
  option: GanTrainingOptions['labelSmoothing'],
): ParsedTraining['labelSmoothing'] {
  const schedule = option !== null && typeof option === 'object';
  if (schedule) assertObject(`${fn}: labelSmoothing`, option, ['value', 'decaySteps']);
  const value = schedule ? option.value : (option ?? 1);
  const arg = schedule ? 'labelSmoothing.value' : 'labelSmoothing';
  assertFiniteNumber(fn, arg, value);
  if (value <= 0 || value > 1) throw invalidArgument(fn, arg, value, 'must be in (0, 1]');
  if (!schedule) return { value, decaySteps: null };
  assertInteger(fn, 'labelSmoothing.decaySteps', option.decaySteps, 1);
  return { value, decaySteps: option.decaySteps };
}

function parseEma(fn: string, option: GanEmaOptions | undefined): EmaSettings | null {
  if (option === undefined) return null;
  assertObject(`${fn}: ema`, option, ['decay', 'start']);
  const { decay, start = 0 } = option;
  assertFiniteNumber(fn, 'ema.decay', decay);
  if (decay <= 0 || decay >= 1) throw invalidArgument(fn, 'ema.decay', decay, 'must be in (0, 1)');
  assertInteger(fn, 'ema.start', start, 0);
  return { decay, start };
}

/** Throws unless `conditioning` is one of {@link GAN_CONDITIONINGS}. */
export function assertConditioning(fn: string, conditioning: unknown): void {
  if (!(GAN_CONDITIONINGS as readonly unknown[]).includes(conditioning)) {
    throw invalidArgument(
      fn,
      'conditioning',
      conditioning,
      `must be one of ${GAN_CONDITIONINGS.map((c) => `'${c}'`).join(', ')}`,
    );
  }
}

/** Throws unless `value` is a boolean option `key` (when given). */
export function assertBooleanOption(fn: string, key: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw invalidArgument(fn, key, value, 'must be a boolean');
  }
}
