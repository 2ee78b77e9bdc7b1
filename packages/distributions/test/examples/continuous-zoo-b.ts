import { Chi2 } from '../../src/chi2.js';
import { Gumbel } from '../../src/gumbel.js';
import { Logistic } from '../../src/logistic.js';
import { Pareto } from '../../src/pareto.js';
import { VonMises } from '../../src/von-mises.js';
import type { FamilyExample } from './types.js';

const group = 'continuous-zoo-b';

/**
 * Examples of Gumbel, Logistic, Pareto, Chi2 and VonMises; fixtures in
 * fixtures/continuous-zoo-b.json (written by fixtures/make_continuous_zoo_b.py, which repeats
 * the parameters and points below).
 */
export const continuousZooBExamples: FamilyExample[] = [
  {
    name: 'Gumbel scalar',
    make: () => new Gumbel({ loc: 1, scale: 2 }),
    fixture: { group, key: 'gumbel_scalar' },
    points: [-3, 0, 1, 4, 15],
  },
  {
    name: 'Gumbel batched [3]',
    make: () => new Gumbel({ loc: [0, -2, 50], scale: [0.5, 1, 10] }),
    fixture: { group, key: 'gumbel_batched' },
    points: [
      [0.1, -4, 30],
      [-1, 3, 120],
    ],
  },
  {
    name: 'Logistic scalar',
    make: () => new Logistic({ loc: 0.5, scale: 1.5 }),
    fixture: { group, key: 'logistic_scalar' },
    points: [-20, 0, 0.5, 3, 40],
  },
  {
    name: 'Logistic batched [2]',
    make: () => new Logistic({ loc: [0, -3], scale: [0.1, 4] }),
    fixture: { group, key: 'logistic_batched' },
    points: [
      [0.05, 10],
      [-2, -3],
    ],
  },
  {
    name: 'Pareto scalar alpha=9',
    make: () => new Pareto({ scale: 2, alpha: 9 }),
    fixture: { group, key: 'pareto_scalar' },
    points: [2, 2.5, 4, 10],
    outside: -1,
  },
  {
    name: 'Pareto batched [3] heavy tails',
    make: () => new Pareto({ scale: [1, 0.5, 10], alpha: [0.8, 2, 3.5] }),
    fixture: { group, key: 'pareto_batched' },
    // 0.25 lies below its scale 0.5: logProb −∞ and cdf 0, without an error.
    points: [
      [1.5, 0.25, 10],
      [100, 7, 1e3],
    ],
    outside: [2, 0, 20],
    // α ≤ 1 has an infinite mean, α ≤ 2 an infinite variance, α ≤ 4 an infinite fourth moment.
    momentTest: false,
  },
  {
    name: 'Chi2 scalar df=3',
    make: () => new Chi2({ df: 3 }),
    fixture: { group, key: 'chi2_scalar' },
    points: [0.1, 1, 3, 12],
    outside: -1,
  },
  {
    name: 'Chi2 batched [3] df=[0.5, 2, 40]',
    make: () => new Chi2({ df: [0.5, 2, 40] }),
    fixture: { group, key: 'chi2_batched' },
    points: [
      [1e-3, 0, 35],
      [4, 2.5, 60],
    ],
    outside: [1, -0.5, 1],
  },
  // The generic moment test is off for VonMises: its variance is the circular variance and
  // its draws are wrapped into [−π, π); src/von-mises.test.ts checks the circular moments.
  {
    name: 'VonMises scalar',
    make: () => new VonMises({ loc: 0.5, concentration: 2 }),
    fixture: { group, key: 'von_mises_scalar' },
    points: [-2, 0, 0.5, 3],
    momentTest: false,
  },
  {
    name: 'VonMises batched [3]',
    make: () => new VonMises({ loc: [0, -1, 2.5], concentration: [0.01, 1, 50] }),
    fixture: { group, key: 'von_mises_batched' },
    points: [
      [3, -3, 2.4],
      [-0.5, 1.5, 2.6],
    ],
    momentTest: false,
  },
  {
    name: 'VonMises batched [2] concentrated near ±π',
    make: () => new VonMises({ loc: [-3, 3], concentration: [1e3, 0.5] }),
    fixture: { group, key: 'von_mises_concentrated' },
    points: [
      [-3.01, 3.2],
      [-2.95, 0],
    ],
    momentTest: false,
  },
];
