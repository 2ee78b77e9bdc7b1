/**
 * The mode-collapse view's settings and how they become `Gan.mlp` options (pure logic, tested
 * in Node): the loss, discriminator steps, instance noise and one-sided label smoothing.
 */
import { type GanMlpOptions, parseGanLoss, supportsLabelSmoothing } from '@gen/gan';

/** The data sets of the view: PacGAN's ring of 8 and grid of 25 (makeToy defaults). */
export type ModeToy = 'ring8' | 'grid25';

/** Everything the user can set; any change restarts training. */
export interface ModeCollapseSettings {
  dataset: ModeToy;
  /** A name of @gen/gan's `GAN_LOSS_NAMES` (`parseGanLoss` reads it). */
  lossKey: string;
  /** Discriminator updates per generator update (≥ 1). */
  discriminatorSteps: number;
  /** Start std of the instance noise in data units (0 = off). */
  noiseStd: number;
  /** Discriminator updates over which the noise decays linearly to 0 (≥ 1). */
  noiseDecay: number;
  /** The real label: 1 = no smoothing, 0.9 = one-sided smoothing to 0.9. */
  labelSmoothing: number;
  learningRate: number;
  batchSize: number;
  /** Width of both networks' two hidden layers. */
  hidden: number;
  seed: number;
}

/**
 * Defaults that spread over the ring's 8 modes within a few hundred steps (the @gen/gan README's
 * ring example with a smaller batch and step: 2×64 leaky-ReLU MLPs, z ∈ R⁴, batch 128,
 * Adam(1e-3, β₁ = 0.5); 6 of 8 modes after 600 steps with seed 0, 8 with seeds 1 and 2; the
 * first checked in trainer.test.ts).
 */
export const DEFAULT_SETTINGS: ModeCollapseSettings = {
  dataset: 'ring8',
  lossKey: 'non-saturating',
  discriminatorSteps: 1,
  noiseStd: 0,
  noiseDecay: 500,
  labelSmoothing: 1,
  learningRate: 1e-3,
  batchSize: 128,
  hidden: 64,
  seed: 0,
};

/** Latent size of the generator. */
export const LATENT_SIZE = 4;

/**
 * The training space: the grid (centres up to ±4) is trained on x / 4 like bench/gan-toy.mjs,
 * so both data sets live in [−1, 1]²; samples are scaled back before scoring.
 */
export function dataScale(dataset: ModeToy): number {
  return dataset === 'grid25' ? 4 : 1;
}

/**
 * `Gan.mlp` options for `settings`: instance noise only when its std is > 0 (in training units),
 * label smoothing only when < 1 and the loss has a real label (otherwise Gan would refuse it).
 */
export function ganOptions(settings: ModeCollapseSettings): GanMlpOptions {
  const loss = parseGanLoss(settings.lossKey);
  const options: GanMlpOptions = {
    dataSize: 2,
    latentSize: LATENT_SIZE,
    hiddenSizes: [settings.hidden, settings.hidden],
    loss,
    discriminatorSteps: settings.discriminatorSteps,
    seed: settings.seed,
  };
  if (settings.noiseStd > 0) {
    options.instanceNoise = {
      std: settings.noiseStd / dataScale(settings.dataset),
      decaySteps: settings.noiseDecay,
    };
  }
  if (settings.labelSmoothing < 1 && supportsLabelSmoothing(loss)) {
    options.labelSmoothing = settings.labelSmoothing;
  }
  return options;
}

/** Whether the label-smoothing control applies to the chosen loss (it is disabled otherwise). */
export function labelSmoothingApplies(lossKey: string): boolean {
  return supportsLabelSmoothing(parseGanLoss(lossKey));
}

/** A preset: a name, what it shows, and the settings it applies (the rest stay the defaults). */
export interface Preset {
  id: string;
  label: string;
  /** One sentence shown when the preset is applied. */
  explain: string;
  settings: ModeCollapseSettings;
}

/**
 * Presets of the view. "Make it collapse": the original minimax (saturating) loss with a high
 * learning rate and no noise, the classic recipe for a generator that covers few modes of the
 * grid. The WGAN pair shows why the critic must be Lipschitz: the same Wasserstein loss with the
 * constraint enforced by weight clipping ('wasserstein', Arjovsky et al. 2017) and by a gradient
 * penalty ('wasserstein-gp', Gulrajani et al. 2017), five critic steps per generator step.
 */
export const PRESETS: readonly Preset[] = [
  {
    id: 'collapse',
    label: 'Make it collapse',
    explain:
      'Saturating minimax loss, learning rate 5e−3, one D step, no noise, on the grid of 25: ' +
      'the generator typically covers few of the modes.',
    settings: {
      ...DEFAULT_SETTINGS,
      dataset: 'grid25',
      lossKey: 'minimax',
      learningRate: 0.005,
      discriminatorSteps: 1,
      noiseStd: 0,
      labelSmoothing: 1,
    },
  },
  {
    id: 'wgan-clip',
    label: 'WGAN, clipped critic',
    explain:
      'Wasserstein loss with weight clipping as the Lipschitz constraint (5 critic steps per ' +
      'generator step): the clipped critic is a poor, nearly linear function, and the samples ' +
      'spread slowly. Compare with the gradient penalty.',
    settings: {
      ...DEFAULT_SETTINGS,
      lossKey: 'wasserstein',
      discriminatorSteps: 5,
      learningRate: 0.0005,
      labelSmoothing: 1,
    },
  },
  {
    id: 'wgan-gp',
    label: 'WGAN-GP (gradient penalty)',
    explain:
      'Wasserstein loss with a gradient penalty keeping the critic 1-Lipschitz (5 critic steps ' +
      'per generator step): the critic stays informative and the samples reach the modes.',
    settings: {
      ...DEFAULT_SETTINGS,
      lossKey: 'wasserstein-gp',
      discriminatorSteps: 5,
      learningRate: 0.0005,
      labelSmoothing: 1,
    },
  },
];
