import { Cauchy } from '../../src/cauchy.js';
import { HalfCauchy } from '../../src/half-cauchy.js';
import { HalfNormal } from '../../src/half-normal.js';
import { LogNormal } from '../../src/log-normal.js';
import { StudentT } from '../../src/student-t.js';
import type { FamilyExample } from './types.js';

const group = 'continuous-zoo-a';

/**
 * Examples of StudentT, Cauchy, HalfNormal, HalfCauchy and LogNormal; fixtures in
 * fixtures/continuous-zoo-a.json (written by fixtures/make_continuous_zoo_a.py, which repeats
 * the parameters and points below).
 */
export const continuousZooAExamples: FamilyExample[] = [
  {
    name: 'StudentT scalar df=7',
    make: () => new StudentT({ df: 7, loc: 1, scale: 2 }),
    fixture: { group, key: 'student_t_scalar' },
    points: [-5, 0, 1, 3.5, 40],
  },
  {
    name: 'StudentT batched [3] df=[0.8, 1.5, 3]',
    make: () => new StudentT({ df: [0.8, 1.5, 3], loc: [0, -1, 2], scale: [1, 0.5, 3] }),
    fixture: { group, key: 'student_t_batched' },
    points: [
      [0.1, -1.2, 5],
      [-300, 2, 2],
    ],
    // df ≤ 4: the fourth moment is infinite (and for df ≤ 2 the variance too), so the sample
    // variance has no standard error.
    momentTest: false,
  },
  {
    name: 'StudentT batched [2] large df',
    make: () => new StudentT({ df: [30, 200], loc: [0.5, -2], scale: [1, 0.1] }),
    fixture: { group, key: 'student_t_large_df' },
    points: [
      [0.5, -2.05],
      [3, -1.5],
    ],
  },
  {
    name: 'Cauchy scalar',
    make: () => new Cauchy({ loc: 0.5, scale: 2 }),
    fixture: { group, key: 'cauchy_scalar' },
    points: [-30, 0, 0.5, 4.2],
    // No mean and infinite variance.
    momentTest: false,
  },
  {
    name: 'Cauchy batched [3]',
    make: () => new Cauchy({ loc: [0, -1, 100], scale: [1, 0.01, 30] }),
    fixture: { group, key: 'cauchy_batched' },
    points: [
      [0.1, -1.2, 1e4],
      [-2e3, -1, 90],
    ],
    // No mean and infinite variance.
    momentTest: false,
  },
  {
    name: 'HalfNormal scalar',
    make: () => new HalfNormal({ scale: 1.5 }),
    fixture: { group, key: 'half_normal_scalar' },
    points: [0, 0.3, 2, 6],
    outside: -0.1,
  },
  {
    name: 'HalfNormal batched [3]',
    make: () => new HalfNormal({ scale: [0.1, 1, 20] }),
    fixture: { group, key: 'half_normal_batched' },
    points: [
      [0, 1, 5],
      [0.35, 1e-3, 60],
    ],
    outside: [1, -1e-3, 1],
  },
  {
    name: 'HalfCauchy scalar',
    make: () => new HalfCauchy({ scale: 1 }),
    fixture: { group, key: 'half_cauchy_scalar' },
    points: [0, 0.5, 3, 1e3],
    outside: -1,
    // Infinite mean and variance.
    momentTest: false,
  },
  {
    name: 'HalfCauchy batched [2]',
    make: () => new HalfCauchy({ scale: [0.1, 10] }),
    fixture: { group, key: 'half_cauchy_batched' },
    points: [
      [0, 25],
      [4, 1e-3],
    ],
    outside: [0.5, -1e-3],
    // Infinite mean and variance.
    momentTest: false,
  },
  {
    name: 'LogNormal scalar',
    make: () => new LogNormal({ loc: 0, scale: 1 }),
    fixture: { group, key: 'log_normal_scalar' },
    points: [1e-3, 0.5, 1, 10],
    outside: 0,
  },
  {
    name: 'LogNormal batched [3]',
    make: () => new LogNormal({ loc: [-1, 0.5, 3], scale: [0.25, 1, 1.5] }),
    fixture: { group, key: 'log_normal_batched' },
    points: [
      [0.3, 2, 50],
      [0.5, 0.1, 1e3],
    ],
    outside: [1, 1, -2],
  },
];
