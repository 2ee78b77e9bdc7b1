// The registry of learned-bijector examples the generic suites iterate over (test support).
import { ActNorm } from '../src/act-norm.js';
import { MaskedAutoregressive } from '../src/autoregressive/masked-autoregressive.js';
import { MaskedAutoregressiveSpline } from '../src/autoregressive/masked-autoregressive-spline.js';
import { BatchNorm } from '../src/batch-norm.js';
import { AffineCoupling } from '../src/coupling/affine-coupling.js';
import { RationalQuadraticSpline } from '../src/coupling/rational-quadratic-spline.js';
import type { LearnedBijector } from '../src/learned-bijector.js';
import { LuLinear } from '../src/linear/lu-linear.js';
import { Planar } from '../src/planar/planar.js';
import { Radial } from '../src/planar/radial.js';

/** Smooth (tanh) conditioners, so that finite differences never straddle a ReLU kink. */
const net = { hiddenSizes: [16, 16], activation: 'tanh' as const };

export const examples: Record<string, (dim: number, seed: number) => LearnedBijector> = {
  'AffineCoupling tanh scale': (dim, seed) => new AffineCoupling({ dim, seed, ...net }),
  'AffineCoupling softplus scale, parity 1': (dim, seed) =>
    new AffineCoupling({ dim, seed, parity: 1, scale: 'softplus', ...net }),
  'MaskedAutoregressive maf': (dim, seed) => new MaskedAutoregressive({ dim, seed, ...net }),
  'MaskedAutoregressive iaf, reverse order': (dim, seed) =>
    new MaskedAutoregressive({ dim, seed, direction: 'iaf', ordering: 'reverse', ...net }),
  RationalQuadraticSpline: (dim, seed) =>
    new RationalQuadraticSpline({ dim, seed, bins: 6, tailBound: 2.5, ...net }),
  Planar: (dim, seed) => new Planar({ dim, seed }),
  Radial: (dim, seed) => new Radial({ dim, seed }),
  ActNorm: (dim, seed) => new ActNorm({ dim, seed }),
  'LuLinear, random permutation': (dim, seed) => new LuLinear({ dim, seed, permutation: 'random' }),
  'MaskedAutoregressiveSpline maf (NSF-AR)': (dim, seed) =>
    new MaskedAutoregressiveSpline({ dim, seed, bins: 5, tailBound: 2.5, ...net }),
  'MaskedAutoregressiveSpline iaf, reverse order': (dim, seed) =>
    new MaskedAutoregressiveSpline({
      dim,
      seed,
      bins: 4,
      tailBound: 3,
      direction: 'iaf',
      ordering: 'reverse',
      ...net,
    }),
  // Evaluation mode: an exact affine bijector (training mode is tested in batch-norm.test.ts).
  'BatchNorm, evaluation mode': (dim, seed) => new BatchNorm({ dim, seed }).eval(),
};
