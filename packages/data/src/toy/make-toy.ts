import { assertInteger, assertOneOf, invalidArgument, type Rng } from '@gen/core';
import { assertOptions, resolveRng } from '../options.js';
import { checkerboard, pinwheel, spirals } from './ffjord-shapes.js';
import { eightGaussians, grid25, mixture1d, ring8 } from './gaussian-mixtures.js';
import { circles, moons, swissRoll } from './sklearn-shapes.js';
import { MAX_COUNT, type ToyData, type ToyGenerator } from './toy-data.js';

/** Options every toy data set takes: `n` samples from `rng` (advances) or `seed` (default 0). */
export interface ToyBaseOptions {
  n: number;
  rng?: Rng;
  seed?: number;
}

/** Each data set's own options (all optional; defaults in the {@link makeToy} table). */
export interface ToyOptionsByName {
  ring8: { radius?: number; std?: number; modes?: number };
  grid25: { spacing?: number; size?: number; std?: number };
  moons: { noise?: number };
  circles: { factor?: number; noise?: number };
  'swiss-roll': { noise?: number; scale?: number };
  checkerboard: Record<never, never>;
  pinwheel: { arms?: number; radialStd?: number; tangentialStd?: number; rate?: number };
  spirals: { noise?: number };
  '8gaussians': { radius?: number; std?: number };
  mixture1d: { means?: number[]; stds?: number[]; weights?: number[] };
}

export type ToyName = keyof ToyOptionsByName;

const GENERATORS: Record<ToyName, ToyGenerator> = {
  ring8,
  grid25,
  moons,
  circles,
  'swiss-roll': swissRoll,
  checkerboard,
  pinwheel,
  spirals,
  '8gaussians': eightGaussians,
  mixture1d,
};

/** The names {@link makeToy} accepts. */
export const TOY_NAMES = Object.keys(GENERATORS) as readonly ToyName[];

/**
 * Samples `n` points of a classic toy data set. Same options and seed, same points, on every
 * backend (the numbers come from @gen/core's Rng, not from tfjs). `x` belongs to the caller.
 *
 * | name | what (defaults) | extras returned |
 * |---|---|---|
 * | 'ring8' | 8 Gaussians at angles 2πi/8, radius 1, std 0.01 (PacGAN/VEEGAN); H = −4.29302 nats | labels, centers, std, weights |
 * | 'grid25' | 25 Gaussians on {−4,−2,0,2,4}² (spacing 2, size 5), std 0.05; H = 0.06529 nats | labels, centers, std, weights |
 * | '8gaussians' | FFJORD: 8 Gaussians at radius 2√2, std 0.5/√2; H ≈ 2.831 nats | labels, centers, std, weights |
 * | 'mixture1d' | `[n, 1]`: 0.5·N(−2, 0.5²) + 0.5·N(2, 1²) (means, stds, weights) | labels, centers, std (per component), weights |
 * | 'moons' | sklearn make_moons geometry, noise 0.1 | labels |
 * | 'circles' | sklearn make_circles geometry, factor 0.5, noise 0.08 | labels |
 * | 'swiss-roll' | 2-D Swiss roll, noise 1, scale 0.2 (FFJORD) | — |
 * | 'checkerboard' | FFJORD: uniform on 8 squares in [−4, 4]²; H = ln 32 | — |
 * | 'pinwheel' | FFJORD: 5 arms, radialStd 0.3, tangentialStd 0.1, rate 0.25 | labels |
 * | 'spirals' | FFJORD '2spirals', noise 0.1 | labels |
 *
 * Mixture components are drawn by the Rng (uniformly unless `weights` says otherwise), so mode
 * frequencies fluctuate binomially. An unknown name or option throws `InvalidArgumentError`.
 *
 * ```ts
 * const { x, centers, std } = makeToy('ring8', { n: 2500, seed: 1 }); // x: [2500, 2]
 * const { x: y } = makeToy('moons', { n: 1000, rng, noise: 0.05 });
 * ```
 */
export function makeToy<N extends ToyName>(
  name: N,
  options: ToyBaseOptions & ToyOptionsByName[N],
): ToyData {
  const fn = 'makeToy';
  assertOneOf(fn, 'name', name, TOY_NAMES);
  const generator = GENERATORS[name];
  const label = `${fn}('${name}')`;
  assertOptions(label, options, ['n', 'rng', 'seed', ...generator.options]);
  const { n, rng, seed, ...rest } = options as ToyBaseOptions & Record<string, unknown>;
  assertInteger(label, 'n', n, 1);
  if (n > MAX_COUNT) throw invalidArgument(label, 'n', n, `must be <= ${MAX_COUNT}`);
  const source = resolveRng(label, { rng, seed });
  return generator.generate(label, n, source, rest);
}
