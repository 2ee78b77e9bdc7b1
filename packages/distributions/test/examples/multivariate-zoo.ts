import { Dirichlet } from '../../src/dirichlet.js';
import { LowRankMultivariateNormal } from '../../src/low-rank-multivariate-normal.js';
import type { FamilyExample } from './types.js';

const group = 'multivariate-zoo';

/**
 * Examples of the multivariate zoo (Dirichlet, LowRankMultivariateNormal); fixtures in
 * fixtures/multivariate-zoo.json (written by fixtures/make_multivariate_zoo.py, which repeats the
 * parameters and points below).
 */
export const multivariateZooExamples: FamilyExample[] = [
  {
    name: 'Dirichlet K=3',
    make: () => new Dirichlet({ concentration: [2, 3, 4] }),
    fixture: { group, key: 'dirichlet_single' },
    points: [
      [0.2, 0.3, 0.5],
      [0.1, 0.1, 0.8],
      [0.6, 0.3, 0.1],
    ],
    // Entries >= 0 that sum to 1.1: outside the simplex.
    outside: [0.2, 0.3, 0.6],
  },
  {
    name: 'Dirichlet batched [2] K=4 (some α ≤ 1: mode on the boundary)',
    make: () =>
      new Dirichlet({
        concentration: [
          [0.5, 1, 2, 5],
          [3, 3, 3, 3],
        ],
      }),
    fixture: { group, key: 'dirichlet_batched' },
    points: [
      [
        [0.1, 0.2, 0.3, 0.4],
        [0.25, 0.25, 0.25, 0.25],
      ],
      [
        [0.01, 0.09, 0.4, 0.5],
        [0.4, 0.3, 0.2, 0.1],
      ],
    ],
    outside: [0.5, -0.1, 0.3, 0.3],
  },
  {
    name: 'Dirichlet batched [2] K=2 (every α < 1: unbounded density, NaN mode)',
    make: () =>
      new Dirichlet({
        concentration: [
          [0.4, 0.6],
          [0.3, 0.5],
        ],
      }),
    fixture: { group, key: 'dirichlet_small' },
    points: [
      [
        [0.001, 0.999],
        [0.5, 0.5],
      ],
      [
        [0.9, 0.1],
        [0.02, 0.98],
      ],
    ],
  },
  {
    name: 'LowRankMultivariateNormal D=3 R=1',
    make: () =>
      new LowRankMultivariateNormal({
        loc: [1, -1, 0.5],
        covFactor: [[1], [0.5], [-1]],
        covDiag: [0.5, 1, 2],
      }),
    fixture: { group, key: 'low_rank_mvn_single' },
    points: [
      [1, -1, 0.5],
      [0, 0, 0],
      [3, 2.5, -2],
    ],
  },
  {
    name: 'LowRankMultivariateNormal batched [2] D=4 R=2 (covFactor broadcast)',
    make: () =>
      new LowRankMultivariateNormal({
        loc: [
          [0, 0, 0, 0],
          [1, 2, 3, 4],
        ],
        covFactor: [
          [1, 0],
          [0.5, -1],
          [0, 2],
          [-0.3, 0.4],
        ],
        covDiag: [
          [0.1, 0.2, 0.3, 0.4],
          [1, 1, 1, 1],
        ],
      }),
    fixture: { group, key: 'low_rank_mvn_batched' },
    points: [
      [
        [0.1, -0.2, 0.3, 0],
        [1, 2, 3, 4],
      ],
      [
        [2, -1, 0, 1],
        [-1, 4, 6, 3],
      ],
    ],
  },
  {
    name: 'LowRankMultivariateNormal D=3 R=2 (small diagonal: nearly singular covariance)',
    make: () =>
      new LowRankMultivariateNormal({
        loc: [0, 1, -1],
        covFactor: [
          [2, 0],
          [1, 1],
          [0, 3],
        ],
        covDiag: [0.01, 0.02, 0.05],
      }),
    fixture: { group, key: 'low_rank_mvn_near_singular' },
    points: [
      [0, 1, -1],
      [2.1, 2.9, 2],
      [-1, 0.4, -4],
    ],
  },
];
