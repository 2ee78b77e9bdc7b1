import { Binomial } from '../../src/binomial.js';
import { Geometric } from '../../src/geometric.js';
import { Multinomial } from '../../src/multinomial.js';
import { NegativeBinomial } from '../../src/negative-binomial.js';
import { OneHotCategorical } from '../../src/one-hot-categorical.js';
import type { FamilyExample } from './types.js';

const group = 'discrete-zoo';

/**
 * Examples of Binomial, Multinomial, Geometric, NegativeBinomial and OneHotCategorical;
 * fixtures in fixtures/discrete-zoo.json (written by fixtures/make_discrete_zoo.py, which
 * repeats the parameters and points below).
 */
export const discreteZooExamples: FamilyExample[] = [
  {
    name: 'Binomial scalar n=10',
    make: () => new Binomial({ totalCount: 10, probs: 0.3 }),
    fixture: { group, key: 'binomial_scalar' },
    // 12 > n: log-probability −∞, cdf 1.
    points: [0, 3, 7, 10, 12],
    outside: [1.5],
    discrete: true,
  },
  {
    name: 'Binomial logits [3] (inversion and BTRS, reflected)',
    make: () => new Binomial({ totalCount: [5, 40, 200], logits: [-1, 0.5, 2] }),
    fixture: { group, key: 'binomial_logits' },
    points: [
      [0, 25, 180],
      [5, 10, 200],
      [2, 31, 150],
    ],
    outside: [[0, -1, 3]],
    discrete: true,
  },
  {
    name: 'Binomial [2, 3] with p in {0, 1} and broadcast totalCount',
    make: () => new Binomial({ totalCount: [[3], [8]], probs: [0, 0.45, 1] }),
    fixture: { group, key: 'binomial_edges' },
    points: [
      [
        [0, 1, 3],
        [0, 8, 8],
      ],
      [
        [0, 2, 3],
        [0, 3, 8],
      ],
    ],
    outside: [
      [
        [0, 1, 3],
        [0, 0.5, 8],
      ],
    ],
    discrete: true,
  },
  {
    name: 'Binomial large n [2]',
    make: () => new Binomial({ totalCount: [300, 2000], probs: [0.5, 0.01] }),
    fixture: { group, key: 'binomial_large' },
    points: [
      [150, 20],
      [170, 12],
    ],
    outside: [[-2, 0]],
    discrete: true,
  },
  {
    name: 'Multinomial n=10, 3 categories',
    make: () => new Multinomial({ totalCount: 10, probs: [0.2, 0.3, 0.5] }),
    fixture: { group, key: 'multinomial_scalar' },
    points: [
      [2, 3, 5],
      [0, 0, 10],
      [10, 0, 0],
    ],
    // Counts must sum to totalCount.
    outside: [[2, 3, 4]],
  },
  {
    name: 'Multinomial logits [2] × 4 categories, n=50',
    make: () =>
      new Multinomial({
        totalCount: 50,
        logits: [
          [0, 1, -1, 0.5],
          [2, -3, 0, 0],
        ],
      }),
    fixture: { group, key: 'multinomial_logits' },
    points: [
      [
        [10, 20, 5, 15],
        [40, 0, 5, 5],
      ],
      [
        [0, 0, 0, 50],
        [30, 2, 9, 9],
      ],
    ],
    outside: [[-1, 21, 15, 15]],
  },
  {
    name: 'Multinomial n=200 with a category of probability 0',
    make: () => new Multinomial({ totalCount: 200, probs: [[0.6, 0, 0.3, 0.1]] }),
    fixture: { group, key: 'multinomial_zero' },
    points: [[[120, 0, 60, 20]], [[100, 0, 100, 0]]],
    outside: [[[120, 0.5, 59.5, 20]]],
  },
  {
    name: 'Geometric scalar p=0.3',
    make: () => new Geometric({ probs: 0.3 }),
    fixture: { group, key: 'geometric_scalar' },
    points: [0, 1, 5, 20],
    outside: [-1],
    discrete: true,
  },
  {
    name: 'Geometric logits [3] (heavy tail)',
    make: () => new Geometric({ logits: [-3, 0, 2.5] }),
    fixture: { group, key: 'geometric_logits' },
    points: [
      [0, 10, 1],
      [40, 0, 3],
    ],
    outside: [[0, 2.5, 1]],
    discrete: true,
  },
  {
    name: 'Geometric probs [3] with p = 1',
    make: () => new Geometric({ probs: [1, 0.9, 0.02] }),
    fixture: { group, key: 'geometric_edges' },
    points: [
      [0, 1, 100],
      [0, 0, 0],
    ],
    outside: [[0, -3, 0]],
    discrete: true,
  },
  {
    name: 'NegativeBinomial scalar r=3 p=0.4',
    make: () => new NegativeBinomial({ totalCount: 3, probs: 0.4 }),
    fixture: { group, key: 'negative_binomial_scalar' },
    points: [0, 1, 4, 12],
    outside: [0.5],
    discrete: true,
  },
  {
    name: 'NegativeBinomial logits [3] with real r',
    make: () => new NegativeBinomial({ totalCount: [0.5, 5, 20], logits: [1.5, -1, 0.3] }),
    fixture: { group, key: 'negative_binomial_logits' },
    points: [
      [0, 1, 20],
      [30, 4, 0],
    ],
    outside: [[0, 1, -20]],
    discrete: true,
  },
  {
    name: 'NegativeBinomial [2, 2] broadcast totalCount',
    make: () => new NegativeBinomial({ totalCount: [[1], [12]], probs: [0.1, 0.7] }),
    fixture: { group, key: 'negative_binomial_batched' },
    points: [[[0, 5]], [[2, 40]]],
    outside: [[[0, 5.5]]],
    discrete: true,
  },
  {
    name: 'OneHotCategorical 3 categories',
    make: () => new OneHotCategorical({ probs: [0.2, 0.3, 0.5] }),
    fixture: { group, key: 'one_hot_scalar' },
    points: [
      [1, 0, 0],
      [0, 0, 1],
    ],
    // Not one-hot: two hot entries.
    outside: [[1, 1, 0]],
  },
  {
    name: 'OneHotCategorical logits [2] × 4 (tied argmax)',
    make: () =>
      new OneHotCategorical({
        logits: [
          [0.5, -1, 2, 0],
          [1, 1, 1, -2],
        ],
      }),
    fixture: { group, key: 'one_hot_logits' },
    points: [
      [
        [0, 0, 1, 0],
        [1, 0, 0, 0],
      ],
      [
        [0, 1, 0, 0],
        [0, 0, 0, 1],
      ],
    ],
    outside: [[0, 0.5, 0.5, 0]],
  },
];
