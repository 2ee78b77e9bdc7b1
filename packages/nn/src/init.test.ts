import { InvalidArgumentError, initBackend, Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  computeFans,
  getInitializer,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  type Initializer,
  ones,
  zeros,
} from './init.js';

beforeAll(() => initBackend('cpu'));

// Moments of N(0, 1) truncated to [−2, 2] (tfjs's truncatedNormal): with P = erf(√2) and
// φ(2) = e⁻²/√(2π), m2 = 1 − 4φ(2)/P and m4 = 3·m2 − 16φ(2)/P (integration by parts).
const P = 0.9544997361036416;
const PHI2 = Math.exp(-2) / Math.sqrt(2 * Math.PI);
const M2 = 1 - (4 * PHI2) / P;
const M4 = 3 * M2 - (16 * PHI2) / P;

interface Case {
  name: string;
  init: Initializer;
  variance: (fanIn: number, fanOut: number) => number;
  /** Var(w²)/Var(w)² for the distribution's shape: uniform 4/5, truncated normal m4/m2² − 1. */
  kurtosisExcessRatio: number;
  /** Largest |w| / √Var the distribution allows. */
  maxRatio: number;
}

const cases: Case[] = [
  {
    name: 'glorotUniform',
    init: glorotUniform,
    variance: (i, o) => 2 / (i + o),
    kurtosisExcessRatio: 0.8,
    maxRatio: Math.sqrt(3),
  },
  {
    name: 'glorotNormal',
    init: glorotNormal,
    variance: (i, o) => 2 / (i + o),
    kurtosisExcessRatio: M4 / (M2 * M2) - 1,
    maxRatio: 2 / Math.sqrt(M2),
  },
  {
    name: 'heUniform',
    init: heUniform,
    variance: (i) => 2 / i,
    kurtosisExcessRatio: 0.8,
    maxRatio: Math.sqrt(3),
  },
  {
    name: 'heNormal',
    init: heNormal,
    variance: (i) => 2 / i,
    kurtosisExcessRatio: M4 / (M2 * M2) - 1,
    maxRatio: 2 / Math.sqrt(M2),
  },
];

describe('computeFans', () => {
  it('follows the Keras/PyTorch conventions', () => {
    expect(computeFans([])).toEqual({ fanIn: 1, fanOut: 1 });
    expect(computeFans([7])).toEqual({ fanIn: 7, fanOut: 7 });
    expect(computeFans([784, 256])).toEqual({ fanIn: 784, fanOut: 256 });
    expect(computeFans([3, 5, 16, 32])).toEqual({ fanIn: 240, fanOut: 480 });
  });
});

describe('random initialisers', () => {
  // 60 000 draws; each statistic is checked to 4 standard errors (two-sided false-failure rate
  // about 6e-5 per check under the normal approximation), with a fixed seed.
  const shape = [200, 300];
  const fan = computeFans(shape);
  const n = 200 * 300;

  for (const c of cases) {
    it(`${c.name}: mean 0 and the theoretical variance within 4 SE, bounded support`, async () => {
      const w = c.init(shape, fan, Rng.fromSeed(2024));
      const data = await w.data();
      w.dispose();
      let sum = 0;
      let sumSquares = 0;
      let maxAbs = 0;
      for (const v of data) {
        sum += v;
        sumSquares += v * v;
        maxAbs = Math.max(maxAbs, Math.abs(v));
      }
      const variance = c.variance(fan.fanIn, fan.fanOut);
      // E[w] = 0, so mean(w²) estimates Var(w); Var(w²) = ratio·Var(w)².
      const varianceSe = Math.sqrt((c.kurtosisExcessRatio * variance * variance) / n);
      expect(Math.abs(sum / n)).toBeLessThan(4 * Math.sqrt(variance / n));
      expect(Math.abs(sumSquares / n - variance)).toBeLessThan(4 * varianceSe);
      expect(maxAbs).toBeLessThanOrEqual(c.maxRatio * Math.sqrt(variance) * (1 + 1e-6));
      // The support is used, so the bound above is tight rather than vacuous.
      expect(maxAbs).toBeGreaterThan(0.95 * c.maxRatio * Math.sqrt(variance));
    });

    it(`${c.name}: same seed gives the same weights, another seed different ones`, async () => {
      const a = c.init([30, 20], computeFans([30, 20]), Rng.fromSeed(5));
      const b = c.init([30, 20], computeFans([30, 20]), Rng.fromSeed(5));
      const d = c.init([30, 20], computeFans([30, 20]), Rng.fromSeed(6));
      expect(await a.data()).toEqual(await b.data());
      expect(await a.data()).not.toEqual(await d.data());
      tf.dispose([a, b, d]);
    });
  }
});

describe('constant initialisers and getInitializer', () => {
  it('zeros and ones fill the shape', async () => {
    const z = zeros([2, 3], computeFans([2, 3]), Rng.fromSeed(0));
    const o = ones([4], computeFans([4]), Rng.fromSeed(0));
    expect(z.shape).toEqual([2, 3]);
    expect(Array.from(await z.data())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(await o.data())).toEqual([1, 1, 1, 1]);
    tf.dispose([z, o]);
  });

  it('getInitializer returns the named function', () => {
    expect(getInitializer('glorotUniform')).toBe(glorotUniform);
    expect(getInitializer('heNormal')).toBe(heNormal);
    expect(getInitializer('zeros')).toBe(zeros);
  });

  it('getInitializer rejects unknown names with a typed error naming the argument and value', () => {
    expect(() => getInitializer('xavier' as never)).toThrow(InvalidArgumentError);
    expect(() => getInitializer('xavier' as never)).toThrow(
      /getInitializer: argument 'name'.*"xavier"/,
    );
  });
});
