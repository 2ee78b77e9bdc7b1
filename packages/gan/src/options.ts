import {
  assertFiniteNumber,
  assertInteger,
  assertKnownOptions,
  assertPositive,
  InvalidArgumentError,
  invalidArgument,
  type Network,
} from '@gen/core';
import { assertGanLoss, type GanLoss, supportsLabelSmoothing } from './losses.js';

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
  /** Seed of the initial weights (default 0). */
  seed?: number;
}

/** Options of `Gan.dcgan(...)` (images as `[n, 784]` in [0, 1]). */
export interface GanDcganOptions extends GanTrainingOptions {
  latentSize: number;
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
  /** Seed of the initial weights (default 0). */
  seed?: number;
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
   * Gaussian noise added to real and fake inputs of D, with std σ·max(0, 1 − t/decaySteps)
   * after t discriminator updates (Sønderby et al. 2017; Arjovsky & Bottou 2017). t is counted
   * by `afterDiscriminatorStep()` and is part of `getState()`.
   */
  instanceNoise?: { std: number; decaySteps: number };
  /**
   * One-sided label smoothing: the real label s ∈ (0, 1] (Salimans et al. 2016; e.g. 0.9); only
   * with the losses of `supportsLabelSmoothing`.
   */
  labelSmoothing?: number;
}

export interface ParsedTraining {
  loss: GanLoss;
  discriminatorSteps: number;
  clipValue: number;
  gradientPenalty: number;
  r1Penalty: number;
  noise: { std: number; decaySteps: number } | null;
  labelSmoothing: number;
}

export const TRAINING_KEYS = [
  'loss',
  'discriminatorSteps',
  'clipValue',
  'gradientPenalty',
  'r1Penalty',
  'instanceNoise',
  'labelSmoothing',
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
  const r1Penalty = o.r1Penalty ?? 0;
  assertFiniteNumber(fn, 'r1Penalty', r1Penalty);
  if (r1Penalty < 0) throw invalidArgument(fn, 'r1Penalty', r1Penalty, 'must be ≥ 0');
  const labelSmoothing = o.labelSmoothing ?? 1;
  assertFiniteNumber(fn, 'labelSmoothing', labelSmoothing);
  if (labelSmoothing <= 0 || labelSmoothing > 1) {
    throw invalidArgument(fn, 'labelSmoothing', labelSmoothing, 'must be in (0, 1]');
  }
  if (labelSmoothing !== 1 && !supportsLabelSmoothing(loss)) {
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
  return {
    loss,
    discriminatorSteps,
    clipValue,
    gradientPenalty,
    r1Penalty,
    noise,
    labelSmoothing,
  };
}
