import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { bitsPerDim } from './bits-per-dim.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('bitsPerDim', () => {
  it('is −log p / (D ln 2): 8 bits for uniform 8-bit levels, elementwise on tensors', () => {
    expect(bitsPerDim(-784 * Math.log(256), 784)).toBeCloseTo(8, 12);
    expect(bitsPerDim(-3 * Math.LN2, 3)).toBeCloseTo(1, 12);
    const bits = bitsPerDim(tf.tensor1d([-10 * Math.log(256), -10 * Math.LN2]), 10);
    expect(Array.from(bits.dataSync())).toEqual([expect.closeTo(8, 5), expect.closeTo(1, 5)]);
    bits.dispose();
  });

  it('refuses bad dims and logProb with typed errors naming the argument', () => {
    expect(() => bitsPerDim(-1, 0)).toThrow(/bitsPerDim: argument 'dims' must be an integer >= 1/);
    expect(() => bitsPerDim(Number.NaN, 4)).toThrow(
      /bitsPerDim: argument 'logProb' must not be NaN/,
    );
  });
});
