import { initBackend, Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharpen, values } from '../../test/support.js';
import { Made } from './made.js';
import type { MadeOptions } from './made-options.js';

beforeAll(async () => {
  await initBackend('wasm');
});

// Midpoint rule on [−L, L]² with step h: for densities whose scales are all ≥ 4h (checked) and
// whose mass lies well inside the box, the quadrature error is far below the tolerance.
const L = 8;
const H = 0.04;
const CELLS = Math.round((2 * L) / H);

/** Cell centres of the grid as [CELLS², 2] and the density at each, by the model. */
async function densityOnGrid(made: Made): Promise<{ grid: Float32Array; p: number[] }> {
  const grid = new Float32Array(CELLS * CELLS * 2);
  for (let a = 0; a < CELLS; a++) {
    for (let b = 0; b < CELLS; b++) {
      grid[2 * (a * CELLS + b)] = -L + (a + 0.5) * H;
      grid[2 * (a * CELLS + b) + 1] = -L + (b + 0.5) * H;
    }
  }
  const x = tf.tensor2d(grid, [CELLS * CELLS, 2]);
  const lp = made.logProb(x);
  const p = (await values(lp)).map(Math.exp);
  for (let m = 0; m < made.numMasks; m++) {
    const { scale } = made.conditionalParams(x, { mask: m });
    const smallest = (await values(scale!)).reduce((a, b) => Math.min(a, b));
    expect(smallest, 'smallest scale').toBeGreaterThan(4 * H);
    scale!.dispose();
  }
  tf.dispose([x, lp]);
  return { grid, p };
}

const CASES: [string, MadeOptions][] = [
  ['one Gaussian per dimension', { inputSize: 2, hiddenSizes: [16], likelihood: 'gaussian' }],
  [
    'a mixture of 3 Gaussians per dimension, reversed ordering',
    {
      inputSize: 2,
      hiddenSizes: [16, 16],
      likelihood: 'gaussian',
      components: 3,
      ordering: [1, 0],
      // Bounded hidden units keep every scale away from 0 over the whole grid.
      activation: 'tanh',
    },
  ],
  [
    'an ensemble of 2 orderings of mixtures',
    {
      inputSize: 2,
      hiddenSizes: [16],
      likelihood: 'gaussian',
      components: 2,
      ordering: 'random',
      numMasks: 2,
      seed: 3,
    },
  ],
];

describe('Made with Gaussian conditionals in 2-D', () => {
  for (const [title, options] of CASES) {
    it(`${title}: the density integrates to 1 and samples follow it`, async () => {
      const made = new Made(options);
      sharpen(made, 1.2, 0.3);
      const { grid, p } = await densityOnGrid(made);
      const total = p.reduce((a, b) => a + b, 0) * H * H;
      expect(Math.abs(total - 1), `∫p = ${total}`).toBeLessThan(1e-4);

      // P(x₀ < 0, x₁ < 0.52) and the other three quadrants, by quadrature and by sampling (both
      // boundaries lie on cell edges).
      const quadrant = (x0: number, x1: number) => (x0 < 0 ? 0 : 1) + (x1 < 0.52 ? 0 : 2);
      const mass = [0, 0, 0, 0];
      p.forEach((pk, k) => {
        mass[quadrant(grid[2 * k]!, grid[2 * k + 1]!)]! += pk * H * H;
      });
      const n = 20000;
      const samples = made.sample(n, Rng.fromSeed(11));
      const s = await values(samples);
      const counts = [0, 0, 0, 0];
      for (let r = 0; r < n; r++) counts[quadrant(s[2 * r]!, s[2 * r + 1]!)]! += 1;
      mass.forEach((q, k) => {
        const se = Math.sqrt((q * (1 - q)) / n);
        expect(Math.abs(counts[k]! / n - q), `quadrant ${k}: mass ${q}`).toBeLessThan(4 * se);
      });
      // Non-trivial: the quadrants do not all carry the same mass.
      expect(Math.max(...mass) - Math.min(...mass)).toBeGreaterThan(0.05);
      samples.dispose();
      made.dispose();
    });
  }
});
