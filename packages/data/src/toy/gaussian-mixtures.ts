import { invalidArgument, type Rng } from '@gen/core';
import { normals, uniformLabels, weightedLabels } from './random.js';
import {
  integerOption,
  numberOption,
  type ToyData,
  type ToyGenerator,
  toTensor,
} from './toy-data.js';

/** Samples an isotropic Gaussian mixture; components uniform unless `weights` is given. */
function sampleMixture(
  fn: string,
  rng: Rng,
  n: number,
  centers: number[][],
  stds: number[],
  weights?: number[],
): ToyData {
  const k = centers.length;
  const d = centers[0]!.length;
  const labels = weights ? weightedLabels(rng, n, weights) : uniformLabels(rng, n, k);
  const noise = normals(rng, n * d);
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    for (let j = 0; j < d; j++) x[i * d + j] = centers[c]![j]! + stds[c]! * noise[i * d + j]!;
  }
  const shared = stds.every((s) => s === stds[0]);
  return {
    x: toTensor(fn, x, n, d),
    labels,
    centers,
    std: shared ? stds[0]! : stds,
    weights: weights ?? centers.map(() => 1 / k),
  };
}

/** `modes` points on a circle at angles 2πi/modes (endpoint excluded: 8 distinct modes, not 7). */
function circleCenters(modes: number, radius: number): number[][] {
  // Snap cos(π/2) ≈ 6e-17 and friends to 0 so the centres print cleanly.
  const snap = (v: number) => (Math.abs(v) < 1e-12 * radius ? 0 : v);
  return Array.from({ length: modes }, (_, i) => {
    const angle = (2 * Math.PI * i) / modes;
    return [snap(radius * Math.cos(angle)), snap(radius * Math.sin(angle))];
  });
}

/** 2-D ring (PacGAN/VEEGAN): 8 modes at radius 1, std 0.01. Options: radius, std, modes. */
export const ring8: ToyGenerator = {
  options: ['radius', 'std', 'modes'],
  generate(fn, n, rng, o) {
    const radius = numberOption(fn, o, 'radius', 1, '> 0');
    const std = numberOption(fn, o, 'std', 0.01, '> 0');
    const modes = integerOption(fn, o, 'modes', 8, 1);
    return sampleMixture(fn, rng, n, circleCenters(modes, radius), Array(modes).fill(std));
  },
};

/** 2-D grid (PacGAN/VEEGAN): 25 modes on {−4, −2, 0, 2, 4}², std 0.05. Options: spacing, size, std. */
export const grid25: ToyGenerator = {
  options: ['spacing', 'size', 'std'],
  generate(fn, n, rng, o) {
    const spacing = numberOption(fn, o, 'spacing', 2, '> 0');
    const size = integerOption(fn, o, 'size', 5, 1);
    const std = numberOption(fn, o, 'std', 0.05, '> 0');
    const coordinate = (i: number) => (i - (size - 1) / 2) * spacing;
    const centers: number[][] = [];
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) centers.push([coordinate(i), coordinate(j)]);
    }
    return sampleMixture(fn, rng, n, centers, Array(centers.length).fill(std));
  },
};

/**
 * FFJORD's '8gaussians': centres 4·(unit vectors at multiples of 45°) with std 0.5, divided by
 * √2 (FFJORD divides by 1.414), i.e. radius 2√2 ≈ 2.8284 and std 0.5/√2 ≈ 0.35355.
 */
export const eightGaussians: ToyGenerator = {
  options: ['radius', 'std'],
  generate(fn, n, rng, o) {
    const radius = numberOption(fn, o, 'radius', 2 * Math.SQRT2, '> 0');
    const std = numberOption(fn, o, 'std', 0.5 / Math.SQRT2, '> 0');
    return sampleMixture(fn, rng, n, circleCenters(8, radius), Array(8).fill(std));
  },
};

function numberList(fn: string, key: string, value: unknown, bound: '> 0' | '>= 0' | 'any') {
  const ok =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (v) =>
        typeof v === 'number' &&
        Number.isFinite(v) &&
        (bound === 'any' || (bound === '> 0' ? v > 0 : v >= 0)),
    );
  if (!ok) {
    const what = bound === 'any' ? 'finite numbers' : `finite numbers ${bound}`;
    throw invalidArgument(fn, key, value, `must be a non-empty array of ${what}`);
  }
  return value as number[];
}

/**
 * 1-D mixture: 0.5·N(−2, 0.5²) + 0.5·N(2, 1²) by default (bimodal with unequal widths, so
 * mode-seeking and mass-covering fits differ). Options: means, stds, weights (same length).
 */
export const mixture1d: ToyGenerator = {
  options: ['means', 'stds', 'weights'],
  generate(fn, n, rng, o) {
    const means = numberList(fn, 'means', o.means ?? [-2, 2], 'any');
    const stds = numberList(fn, 'stds', o.stds ?? [0.5, 1], '> 0');
    const k = means.length;
    const weights = numberList(fn, 'weights', o.weights ?? Array(k).fill(1 / k), '>= 0');
    for (const [key, list] of [['stds', stds] as const, ['weights', weights] as const]) {
      if (list.length !== k) {
        throw invalidArgument(fn, key, list, `must have ${k} entries, one per mean`);
      }
    }
    const total = weights.reduce((a, b) => a + b, 0);
    if (Math.abs(total - 1) > 1e-6) {
      throw invalidArgument(fn, 'weights', weights, 'must sum to 1');
    }
    return sampleMixture(
      fn,
      rng,
      n,
      means.map((m) => [m]),
      stds,
      weights,
    );
  },
};
