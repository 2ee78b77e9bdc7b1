import { assertInteger, InvalidArgumentError, invalidArgument } from '@gen/core';
import { assertNumberAbove, assertOptions, assertSize, MAX_WIDTH } from '../options.js';

/** Options of {@link MultiscaleFlow}. */
export interface MultiscaleFlowOptions {
  /** The image shape [h, w, C] (channels last), e.g. [28, 28, 1] for MNIST. */
  shape: readonly number[];
  /**
   * Scales L (default 2). Each squeezes 2×2, so h and w must be divisible by 2^L: at most 2 for
   * 28 × 28 (28 → 14 → 7).
   */
  levels?: number;
  /** K, the steps (ActNorm, 1×1 convolution, coupling) per level (default 4). */
  stepsPerLevel?: number;
  /** Channels of the couplings' conditioner convolutions (default 64). */
  hiddenChannels?: number;
  /** α of the logit preprocessing logit(α + (1 − 2α)·y) (default 0.05, RealNVP's), in (0, ½). */
  alpha?: number;
  /** c of the couplings' bounded log-scale c·tanh(a/c) (default 2). */
  logScaleBound?: number;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}

export const MULTISCALE_OPTIONS = [
  'shape',
  'levels',
  'stepsPerLevel',
  'hiddenChannels',
  'alpha',
  'logScaleBound',
  'seed',
] as const;

/** The validated options, defaults filled in (what `toConfig` records). */
export interface MultiscaleConfig {
  shape: [number, number, number];
  levels: number;
  stepsPerLevel: number;
  hiddenChannels: number;
  alpha: number;
  logScaleBound: number;
  seed: number;
}

/** Most steps per level (a bound that keeps a typo from allocating thousands of layers). */
const MAX_STEPS = 256;

/** Validates `options` of `fn`; impossible geometries are typed errors naming the argument. */
export function parseMultiscaleOptions(
  fn: string,
  options: MultiscaleFlowOptions,
): MultiscaleConfig {
  assertOptions(fn, options, MULTISCALE_OPTIONS);
  const {
    shape,
    levels = 2,
    stepsPerLevel = 4,
    hiddenChannels = 64,
    alpha = 0.05,
    logScaleBound = 2,
    seed = 0,
  } = options;
  const ok =
    Array.isArray(shape) &&
    shape.length === 3 &&
    shape.every((d) => Number.isInteger(d) && d >= 1 && d <= MAX_WIDTH);
  if (!ok) throw invalidArgument(fn, 'shape', shape, 'must be [h, w, C], three integers >= 1');
  const [h, w, c] = shape as [number, number, number];
  if (h * w * c > MAX_WIDTH) {
    throw invalidArgument(fn, 'shape', shape, `must hold at most ${MAX_WIDTH} values`);
  }
  assertInteger(fn, 'levels', levels, 1);
  const most = Math.min(halvings(h), halvings(w));
  if (most === 0) {
    throw invalidArgument(fn, 'shape', shape, 'must have even h and w (each level squeezes 2×2)');
  }
  if (levels > most) {
    throw new InvalidArgumentError(
      `${fn}: argument 'levels' must be at most ${most} for shape [${h}, ${w}, ${c}] (each level squeezes 2×2, so h and w must be divisible by 2^levels), got ${levels}`,
    );
  }
  assertInteger(fn, 'stepsPerLevel', stepsPerLevel, 1);
  if (stepsPerLevel > MAX_STEPS) {
    throw invalidArgument(fn, 'stepsPerLevel', stepsPerLevel, `must be <= ${MAX_STEPS}`);
  }
  assertSize(fn, 'hiddenChannels', hiddenChannels, 1);
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 0.5)) {
    throw invalidArgument(fn, 'alpha', alpha, 'must be a number in (0, 0.5)');
  }
  assertNumberAbove(fn, 'logScaleBound', logScaleBound, 0);
  assertInteger(fn, 'seed', seed, 0);
  return { shape: [h, w, c], levels, stepsPerLevel, hiddenChannels, alpha, logScaleBound, seed };
}

/** How many times n halves evenly. */
function halvings(n: number): number {
  let k = 0;
  while (n % 2 === 0) {
    n /= 2;
    k += 1;
  }
  return k;
}
