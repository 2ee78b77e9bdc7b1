import { initBackend } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { divergence } from './divergence.js';
import { type DivergenceName, divergenceNames } from './names.js';

// Properties over random probability vectors (with exact zeros about a quarter of the time),
// with a fixed fast-check seed so every run checks the same 150 pairs per property.
const SETTINGS = { seed: 20251121, numRuns: 150 };
const ALPHAS = [-1, 0.5, 2];
const cases: { name: DivergenceName; alpha?: number }[] = [
  ...divergenceNames.filter((n) => n !== 'alpha').map((name) => ({ name })),
  ...ALPHAS.map((alpha) => ({ name: 'alpha' as const, alpha })),
];
const SYMMETRIC: DivergenceName[] = ['js', 'jeffreys', 'squared-hellinger', 'total-variation'];

function vector(k: number) {
  return fc
    .array(fc.oneof(fc.constant(0), fc.double({ min: 1e-4, max: 1, noNaN: true })), {
      minLength: k,
      maxLength: k,
    })
    .filter((v) => v.some((x) => x > 0))
    .map((v) => {
      const total = v.reduce((a, b) => a + b, 0);
      return v.map((x) => x / total);
    });
}
const pair = fc.integer({ min: 2, max: 8 }).chain((k) => fc.tuple(vector(k), vector(k)));

function value(name: DivergenceName, p: number[], q: number[], alpha?: number): number {
  return tf.tidy(() => divergence(name, p, q, alpha === undefined ? {} : { alpha }).dataSync()[0]!);
}

describe('divergence properties on random probability vectors', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('D(p, q) >= 0 and is never NaN', () => {
    fc.assert(
      fc.property(pair, ([p, q]) =>
        cases.every(({ name, alpha }) => value(name, p, q, alpha) >= 0),
      ),
      SETTINGS,
    );
  });

  it('D(p, p) = 0', () => {
    fc.assert(
      fc.property(pair, ([p]) => cases.every(({ name, alpha }) => value(name, p, p, alpha) === 0)),
      SETTINGS,
    );
  });

  it('js, jeffreys, squared-hellinger and total-variation are symmetric', () => {
    fc.assert(
      fc.property(pair, ([p, q]) =>
        SYMMETRIC.every((name) => {
          const a = value(name, p, q);
          const b = value(name, q, p);
          return a === b || Math.abs(a - b) <= 1e-6 * (1 + Math.abs(a));
        }),
      ),
      SETTINGS,
    );
  });

  it('js <= log 2 and total-variation <= 1 (float32 rounding allowed)', () => {
    fc.assert(
      fc.property(
        pair,
        ([p, q]) =>
          value('js', p, q) <= Math.LN2 * (1 + 1e-6) && value('total-variation', p, q) <= 1 + 1e-6,
      ),
      SETTINGS,
    );
  });

  it('kl is +∞ exactly where p puts mass on a zero of q', () => {
    fc.assert(
      fc.property(pair, ([p, q]) => {
        const infinite = p.some((x, i) => x > 0 && q[i] === 0);
        return (value('kl', p, q) === Number.POSITIVE_INFINITY) === infinite;
      }),
      SETTINGS,
    );
  });
});
