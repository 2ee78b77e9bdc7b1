import { Bernoulli } from '../../src/bernoulli.js';
import { Affine } from '../../src/bijectors/affine.js';
import { Categorical } from '../../src/categorical.js';
import { Independent } from '../../src/independent.js';
import { Normal } from '../../src/normal.js';
import { Poisson } from '../../src/poisson.js';
import { TransformedDistribution } from '../../src/transformed-distribution.js';
import type { FamilyExample } from './types.js';

const fixture = (key: string) => ({ group: 'discrete', key });

/**
 * Examples of the discrete and composite families; fixtures in fixtures/discrete.json
 * (fixtures/make_discrete.py). Mixture (no closed-form entropy) and TransformedDistribution
 * through non-affine bijectors (no closed-form moments) throw NotImplementedError from
 * entropy/mean/variance, so they are checked against the same fixtures in their own tests.
 */
export const discreteExamples: FamilyExample[] = [
  {
    name: 'Bernoulli probs [3]',
    make: () => new Bernoulli({ probs: [0.2, 0.7, 0.55] }),
    fixture: fixture('bernoulli_probs'),
    points: [
      [0, 1, 1],
      [1, 0, 0],
    ],
    outside: [[0.5, 0, 1]],
    discrete: true,
  },
  {
    name: 'Bernoulli logits [2, 2]',
    make: () =>
      new Bernoulli({
        logits: [
          [-3, 0.5],
          [4, -0.2],
        ],
      }),
    fixture: fixture('bernoulli_logits'),
    points: [
      [
        [0, 1],
        [1, 0],
      ],
      [
        [1, 1],
        [0, 0],
      ],
    ],
    outside: [
      [
        [0, 2],
        [1, 0],
      ],
    ],
    discrete: true,
  },
  {
    name: 'Categorical probs [2] × 3 categories',
    make: () =>
      new Categorical({
        probs: [
          [0.2, 0.3, 0.5],
          [0.6, 0.3, 0.1],
        ],
      }),
    fixture: fixture('categorical_probs'),
    points: [
      [2, 0],
      [1, 1],
      [0, 2],
    ],
    outside: [[3, 0]],
  },
  {
    name: 'Categorical logits, 4 categories',
    make: () => new Categorical({ logits: [0.1, -1, 2, 0.5] }),
    fixture: fixture('categorical_logits'),
    points: [0, 1, 2, 3],
    outside: [-1],
  },
  {
    name: 'Poisson [3] (inversion and PTRS)',
    make: () => new Poisson({ rate: [0.5, 4, 30] }),
    fixture: fixture('poisson_batched'),
    points: [
      [0, 3, 31],
      [2, 0, 25],
    ],
    outside: [[1.5, 0, 1]],
    discrete: true,
  },
  {
    name: 'Poisson large rate (asymptotic entropy)',
    make: () => new Poisson({ rate: [120] }),
    fixture: fixture('poisson_large'),
    points: [[100], [131]],
    outside: [[-1]],
    discrete: true,
  },
  {
    name: 'Independent Normal [2] × event [3]',
    make: () =>
      new Independent(
        new Normal({
          loc: [
            [0, 1, 2],
            [-1, 0, 1],
          ],
          scale: [
            [1, 2, 0.5],
            [1, 1, 3],
          ],
        }),
        1,
      ),
    fixture: fixture('independent_normal'),
    points: [
      [
        [0.5, 0, 2.5],
        [-1, 0.3, 4],
      ],
    ],
  },
  {
    name: 'Independent Bernoulli event [4]',
    make: () => new Independent(new Bernoulli({ probs: [0.1, 0.4, 0.6, 0.9] }), 1),
    fixture: fixture('independent_bernoulli'),
    points: [
      [0, 1, 1, 1],
      [1, 0, 0, 1],
    ],
    outside: [[0, 1, 3, 1]],
  },
  {
    name: 'TransformedDistribution Normal through Affine',
    make: () =>
      new TransformedDistribution({
        base: new Normal({ loc: 0.5, scale: 2 }),
        bijector: new Affine({ shift: 1, scale: -3 }),
      }),
    fixture: fixture('transformed_affine'),
    points: [-3, 0, 2.5, 11],
  },
];
