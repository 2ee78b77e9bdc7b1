import { Beta } from '../../src/beta.js';
import { DoubleSidedMaxwell } from '../../src/double-sided-maxwell.js';
import { Exponential } from '../../src/exponential.js';
import { Gamma } from '../../src/gamma.js';
import { Laplace } from '../../src/laplace.js';
import { MultivariateNormal } from '../../src/multivariate-normal.js';
import { Normal } from '../../src/normal.js';
import { Uniform } from '../../src/uniform.js';
import { Weibull } from '../../src/weibull.js';
import type { FamilyExample } from './types.js';

const group = 'continuous';

/**
 * Examples of the continuous families; fixtures in fixtures/continuous.json (written by
 * fixtures/make_continuous.py, which repeats the parameters and points below).
 */
export const continuousExamples: FamilyExample[] = [
  {
    name: 'Normal scalar',
    make: () => new Normal({ loc: 0.5, scale: 2 }),
    fixture: { group, key: 'normal_scalar' },
    points: [-3, 0, 0.5, 4.2],
  },
  {
    name: 'Normal batched [3]',
    make: () => new Normal({ loc: [0, -1, 2], scale: [1, 0.5, 3] }),
    fixture: { group, key: 'normal_batched' },
    points: [
      [0.1, -1.2, 5],
      [-2, 0, 1],
    ],
  },
  {
    name: 'MultivariateNormal d=2',
    make: () =>
      new MultivariateNormal({
        loc: [1, -1],
        scaleTril: [
          [2, 0],
          [0.5, 1],
        ],
      }),
    fixture: { group, key: 'mvn_single' },
    points: [
      [1, -1],
      [0, 0],
      [3, 2.5],
    ],
  },
  {
    name: 'MultivariateNormal batched [2] d=3 (scaleTril broadcast)',
    make: () =>
      new MultivariateNormal({
        loc: [
          [0, 0, 0],
          [1, 2, 3],
        ],
        scaleTril: [
          [1.5, 0, 0],
          [-0.3, 0.8, 0],
          [0.2, 0.1, 2],
        ],
      }),
    fixture: { group, key: 'mvn_batched' },
    points: [
      [
        [0.1, -0.2, 0.3],
        [1, 2, 3],
      ],
      [
        [2, -1, 0],
        [-1, 4, 6],
      ],
    ],
  },
  {
    name: 'Uniform scalar',
    make: () => new Uniform({ low: -1, high: 3 }),
    fixture: { group, key: 'uniform_scalar' },
    points: [-1, -0.999, 0.5, 2.999, 3],
    outside: 3.5,
  },
  {
    name: 'Uniform batched [3]',
    make: () => new Uniform({ low: [0, -2, 10], high: [1, 2, 10.5] }),
    fixture: { group, key: 'uniform_batched' },
    points: [
      [0, -2, 10],
      [0.999, 1.5, 10.5],
    ],
    outside: [0.5, 0, 9.9],
  },
  {
    name: 'Exponential scalar',
    make: () => new Exponential({ rate: 1.5 }),
    fixture: { group, key: 'exponential_scalar' },
    points: [0, 1e-4, 0.7, 10],
    outside: -1e-3,
  },
  {
    name: 'Exponential batched [3]',
    make: () => new Exponential({ rate: [0.1, 1, 20] }),
    fixture: { group, key: 'exponential_batched' },
    points: [
      [0, 5, 0.01],
      [30, 1e-3, 1],
    ],
    outside: [1, -2, 1],
  },
  {
    name: 'Laplace scalar',
    make: () => new Laplace({ loc: 1, scale: 0.5 }),
    fixture: { group, key: 'laplace_scalar' },
    points: [-3, 1, 1.001, 4],
  },
  {
    name: 'Laplace batched [3]',
    make: () => new Laplace({ loc: [0, -1, 5], scale: [1, 2, 0.1] }),
    fixture: { group, key: 'laplace_batched' },
    points: [
      [0, -1, 5],
      [-4, 3, 5.3],
    ],
  },
  {
    name: 'Weibull scalar',
    make: () => new Weibull({ shape: 1.5, scale: 2 }),
    fixture: { group, key: 'weibull_scalar' },
    points: [1e-3, 0.5, 2, 7],
    outside: -0.5,
  },
  {
    name: 'Weibull batched [3]',
    make: () => new Weibull({ shape: [0.5, 1, 5], scale: [1, 3, 0.5] }),
    fixture: { group, key: 'weibull_batched' },
    points: [
      [1e-3, 0, 0.4],
      [4, 2, 0.6],
    ],
    outside: [1, 1, -1e-3],
  },
  {
    name: 'DoubleSidedMaxwell scalar',
    make: () => new DoubleSidedMaxwell({ loc: 0.5, scale: 1.5 }),
    fixture: { group, key: 'double_sided_maxwell_scalar' },
    points: [-4, 0.4, 0.501, 2],
  },
  {
    name: 'DoubleSidedMaxwell batched [3]',
    make: () => new DoubleSidedMaxwell({ loc: [0, 2, -1], scale: [1, 0.3, 4] }),
    fixture: { group, key: 'double_sided_maxwell_batched' },
    points: [
      [0.01, 2.5, -9],
      [-3, 1.9, 6],
    ],
  },
  {
    name: 'Gamma scalar',
    make: () => new Gamma({ concentration: 2.5, rate: 1.5 }),
    fixture: { group, key: 'gamma_scalar' },
    points: [1e-3, 0.5, 2, 12],
    outside: -1,
  },
  {
    name: 'Gamma batched [3] (α < 1, α = 1, large α)',
    make: () => new Gamma({ concentration: [0.3, 1, 40], rate: [1, 0.2, 4] }),
    fixture: { group, key: 'gamma_batched' },
    points: [
      [1e-4, 0, 8],
      [2, 30, 12],
    ],
    outside: [1, 1, -3],
  },
  {
    name: 'Beta scalar',
    make: () => new Beta({ a: 2, b: 3 }),
    fixture: { group, key: 'beta_scalar' },
    points: [1e-3, 0.2, 0.5, 0.999],
    outside: 1.5,
  },
  {
    name: 'Beta batched [3] (U-shaped, a = 1, b = 1)',
    make: () => new Beta({ a: [0.5, 1, 5], b: [0.5, 3, 1] }),
    fixture: { group, key: 'beta_batched' },
    points: [
      [1e-3, 0, 0.999],
      [0.5, 0.7, 1],
    ],
    outside: [0.5, -0.1, 0.5],
  },
];
