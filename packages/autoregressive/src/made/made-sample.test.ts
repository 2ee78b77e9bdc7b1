import { initBackend, Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { allBinary, expectFrequencies, sharpen, values } from '../../test/support.js';
import { Made } from './made.js';
import type { MadeOptions } from './made-options.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const D = 3;
const N = 20000;
const CASES: [string, MadeOptions][] = [
  ['natural ordering', { inputSize: D, hiddenSizes: [8], seed: 1 }],
  [
    'random ordering, two hidden layers',
    { inputSize: D, hiddenSizes: [8, 8], ordering: 'random', seed: 2 },
  ],
  ['explicit ordering', { inputSize: D, hiddenSizes: [8], ordering: [2, 0, 1], seed: 3 }],
  [
    'order-agnostic ensemble of 3 masks',
    { inputSize: D, hiddenSizes: [8], ordering: 'random', numMasks: 3, seed: 4 },
  ],
];

describe('Made.sample draws from the distribution of Made.logProb', () => {
  for (const [title, options] of CASES) {
    it(`${title}: frequencies of the 8 vectors within 4 SE of exp(logProb)`, async () => {
      const made = new Made(options);
      sharpen(made, 3, 0.5);
      const x = allBinary(D);
      const lp = made.logProb(x);
      const probs = (await values(lp)).map(Math.exp);
      const samples = made.sample(N, Rng.fromSeed(21));
      expect(samples.shape).toEqual([N, D]);
      await expectFrequencies(samples, probs);
      // Not uniform, so the frequencies are a real check of the conditionals.
      expect(Math.max(...probs) - Math.min(...probs)).toBeGreaterThan(0.1);
      tf.dispose([x, lp, samples]);
      made.dispose();
    });
  }

  it('is reproducible: the same Rng state gives the same draws', async () => {
    const made = new Made({ inputSize: 4, hiddenSizes: [8], numMasks: 2, seed: 5 });
    const a = made.sample(50, Rng.fromSeed(3));
    const b = made.sample(50, Rng.fromSeed(3));
    expect(await values(a)).toEqual(await values(b));
    tf.dispose([a, b]);
    made.dispose();
  });

  it('draws every pixel of a wide model in one sequential pass per dimension', async () => {
    const made = new Made({ inputSize: 784, hiddenSizes: [32], seed: 6 });
    const x = made.sample(3, Rng.fromSeed(4));
    const v = await values(x);
    expect(x.shape).toEqual([3, 784]);
    expect(v.every((b) => b === 0 || b === 1)).toBe(true);
    x.dispose();
    made.dispose();
  });
});
