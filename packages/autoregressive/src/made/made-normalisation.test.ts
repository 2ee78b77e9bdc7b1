import { describeBackends } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { allBinary, sharpen, values } from '../../test/support.js';
import { Made } from './made.js';
import type { MadeOptions } from './made-options.js';

// Σₓ p(x) over all 2^6 binary vectors is exactly 1 for any weights, but only if every
// conditional ignores its own and later inputs. Sharpened weights make a violation visible.
const D = 6;
const CASES: [string, MadeOptions][] = [
  ['natural ordering, one hidden layer', { inputSize: D, hiddenSizes: [16], seed: 1 }],
  [
    'random ordering, two hidden layers',
    { inputSize: D, hiddenSizes: [10, 10], ordering: 'random', seed: 2 },
  ],
  [
    'explicit ordering, three hidden layers',
    { inputSize: D, hiddenSizes: [12, 12, 12], ordering: [3, 0, 5, 1, 4, 2], seed: 3 },
  ],
  [
    'narrow hidden layer (cut dependencies), tanh',
    { inputSize: D, hiddenSizes: [3], activation: 'tanh', seed: 4 },
  ],
  [
    'order-agnostic ensemble of 4 masks',
    { inputSize: D, hiddenSizes: [16, 16], ordering: 'random', numMasks: 4, seed: 5 },
  ],
  [
    'direct connections beside a narrow hidden layer, random ordering',
    { inputSize: D, hiddenSizes: [3], ordering: 'random', directConnections: true, seed: 7 },
  ],
  [
    'connectivity-agnostic ensemble of 3 masks, natural ordering',
    { inputSize: D, hiddenSizes: [12], numMasks: 3, seed: 6 },
  ],
];

describeBackends('Made: probabilities of all binary vectors sum to 1', ({ tolerance }) => {
  for (const [title, options] of CASES) {
    it(title, async () => {
      const made = new Made(options);
      sharpen(made, 3, 0.5);
      const x = allBinary(D);
      const masks = [undefined, ...Array.from({ length: made.numMasks }, (_, m) => m)];
      for (const mask of masks) {
        const lp = made.logProb(x, mask === undefined ? {} : { mask });
        const p = (await values(lp)).map(Math.exp);
        const total = p.reduce((a, b) => a + b, 0);
        expect(Math.abs(total - 1), `mask ${mask ?? 'ensemble'}: Σp = ${total}`).toBeLessThan(
          100 * tolerance,
        );
        // Sharpened: far from uniform, so the sum is not 1 by accident of equal terms.
        expect(Math.max(...p)).toBeGreaterThan(4 / 2 ** D);
        lp.dispose();
      }
      x.dispose();
      made.dispose();
    });
  }

  it('a one-dimensional model is a single Bernoulli', async () => {
    const made = new Made({ inputSize: 1, hiddenSizes: [4], seed: 0 });
    sharpen(made, 1, 1);
    const x = tf.tensor2d([[0], [1]]);
    const lp = made.logProb(x);
    const [p0, p1] = (await values(lp)).map(Math.exp) as [number, number];
    expect(p0 + p1).toBeCloseTo(1, 5);
    tf.dispose([x, lp]);
    made.dispose();
  });
});
