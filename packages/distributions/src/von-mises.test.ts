import { initBackend, Rng } from '@gen/core';
import { expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectLogProbGradients } from '../test/examples/continuous-checks.js';
import { logBesselI0e, oneMinusBesselRatio, VonMises } from './von-mises.js';

// scipy.special: log(i0e(κ)) and 1 − i1e(κ)/i0e(κ), on both sides of 3.75 and 20.
const KAPPAS = [1e-6, 0.5, 3.7, 3.8, 20, 1e3, 1e6];
const LOG_I0E = [
  -9.999997505167755e-7, -0.4384502808145188, -1.5322480008566721, -1.5469320926510748,
  -2.4103895717557258, -4.3726911101305355, -7.826693687186747,
];
const ONE_MINUS_RATIO = [
  0.9999995, 0.757500387419198, 0.14909357504554432, 0.1446337756014584, 0.025329492110192642,
  0.0005001251251957051, 5.000001249699793e-7,
];

/** Per batch member j of `n` draws `[n, size]`, the mean of g(x_ij) and its standard error. */
function meanOf(data: ArrayLike<number>, size: number, j: number, g: (x: number) => number) {
  const n = data.length / size;
  let s = 0;
  for (let i = 0; i < n; i++) s += g(data[i * size + j]!);
  return s / n;
}

describe('VonMises', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('log I₀(κ)e⁻ᵏ and 1 − I₁/I₀ match scipy across the branches, relatively', () => {
    const k = tf.tensor1d(KAPPAS);
    const logI0e = logBesselI0e(k);
    const ratio = oneMinusBesselRatio(k);
    expectClose(logI0e, LOG_I0E, { atol: 1e-6, rtol: 1e-6 });
    expectClose(ratio, ONE_MINUS_RATIO, { atol: 0, rtol: 2e-6 });
    tf.dispose([k, logI0e, ratio]);
  });

  it('logProb gradients match finite differences (κ on both sides of 3.75)', () => {
    expectLogProbGradients(
      (p) => new VonMises({ loc: p.loc!, concentration: p.concentration! }),
      { loc: [0.3, -2], concentration: [0.8, 9] },
      [
        [0.5, -2.2],
        [2.5, 1],
      ],
    );
  });

  it('draws lie in [−π, π) and have the circular moments E cos(x − μ) = I₁/I₀, E sin(x − μ) = 0', () => {
    const loc = [2.9, -1, 0.3, -3.1, 1];
    const kappa = [1e-3, 0.7, 4, 60, 1e4];
    const m = [
      0.9995000000625, 0.6698227104673291, 0.1364773889754496, 0.008368649875791223,
      5.000125012488699e-5,
    ];
    const d = new VonMises({ loc, concentration: kappa });
    const x = d.sample(4000, Rng.fromSeed(31));
    const data = x.dataSync();
    tf.dispose([x]);
    d.dispose();
    const pi = Math.fround(Math.PI);
    for (const v of data) expect(v >= -pi && v < pi, `draw ${v}`).toBe(true);
    const n = data.length / loc.length;
    for (let j = 0; j < loc.length; j++) {
      const [mu, k, mj] = [loc[j]!, kappa[j]!, m[j]!];
      // 1 − cos d = 2 sin²(d/2), in float64 from the float32 draws. With A = 1 − m:
      // E cos² = 1 − A/κ, so Var(1 − cos) = 2m − A/κ − m² and Var(sin) = A/κ.
      const oneMinusCos = meanOf(data, loc.length, j, (v) => 2 * Math.sin((v - mu) / 2) ** 2);
      const sine = meanOf(data, loc.length, j, (v) => Math.sin(v - mu));
      const a = 1 - mj;
      const seCos = Math.sqrt((2 * mj - a / k - mj * mj) / n);
      const seSin = Math.sqrt(a / k / n);
      expect(
        Math.abs(oneMinusCos - mj),
        `κ ${k}: E(1 − cos) ${oneMinusCos}, expected ${mj}`,
      ).toBeLessThanOrEqual(4 * seCos + 1e-7);
      expect(Math.abs(sine), `κ ${k}: E sin ${sine} ± ${seSin}`).toBeLessThanOrEqual(
        4 * seSin + 1e-7,
      );
    }
  });

  it('draws follow the von Mises cdf (Kolmogorov–Smirnov against a numerical integral)', () => {
    for (const [kappa, seed] of [
      [2, 41],
      [60, 42],
    ] as const) {
      // cdf on [−π, π] by the trapezoid rule on a fine grid of the density about μ = 0.
      const grid = 20000;
      const h = (2 * Math.PI) / grid;
      const cdf = new Float64Array(grid + 1);
      const density = (t: number) => Math.exp(kappa * (Math.cos(t) - 1));
      for (let i = 1; i <= grid; i++) {
        const t = -Math.PI + i * h;
        cdf[i] = cdf[i - 1]! + 0.5 * h * (density(t - h) + density(t));
      }
      const total = cdf[grid]!;
      const F = (v: number) => {
        const u = (v + Math.PI) / h;
        const i = Math.min(Math.max(Math.floor(u), 0), grid - 1);
        return (cdf[i]! + (u - i) * (cdf[i + 1]! - cdf[i]!)) / total;
      };
      const d = new VonMises({ loc: 0, concentration: kappa });
      const x = d.sample(5000, Rng.fromSeed(seed));
      const sorted = Array.from(x.dataSync()).sort((p, q) => p - q);
      tf.dispose(x);
      d.dispose();
      let ks = 0;
      sorted.forEach((v, i) => {
        const f = F(v);
        ks = Math.max(ks, Math.abs(f - i / sorted.length), Math.abs(f - (i + 1) / sorted.length));
      });
      // The 1e−4 critical value of the two-sided statistic: √(ln(2/1e−4)/2)/√n.
      expect(ks, `κ ${kappa}: KS ${ks}`).toBeLessThan(Math.sqrt(Math.log(2e4) / 2 / 5000));
    }
  });

  it('samples stay finite at extreme concentrations, has no rsample, cdf or icdf', () => {
    const d = new VonMises({ loc: [1, 1], concentration: [1e-30, 1e8] });
    const x = d.sample(4000, Rng.fromSeed(7));
    const data = x.dataSync();
    tf.dispose(x);
    for (const v of data) expect(Number.isFinite(v)).toBe(true);
    // κ = 1e8: a Normal(μ, 1/κ) to float32 resolution; κ = 1e−30: uniform, E cos ≈ 0.
    const sd = Math.sqrt(meanOf(data, 2, 1, (v) => (v - 1) ** 2));
    expect(Math.abs(sd / 1e-4 - 1)).toBeLessThan(0.1);
    expect(Math.abs(meanOf(data, 2, 0, (v) => Math.cos(v - 1)))).toBeLessThan(
      4 / Math.sqrt(2 * 4000),
    );
    expect(d.hasRsample).toBe(false);
    expect(() => d.cdf(0)).toThrow(/VonMises.cdf/);
    expect(() => d.icdf(0.5)).toThrow(/VonMises.icdf/);
    d.dispose();
  });

  it('rejects a non-positive concentration and unknown keys, naming them', () => {
    expect(() => new VonMises({ loc: 0, concentration: [1, 0] })).toThrow(
      /VonMises: argument 'concentration' must be > 0, got 0/,
    );
    expect(
      () =>
        new VonMises({ loc: 0, concentration: 1, kappa: 2 } as unknown as {
          loc: 0;
          concentration: 1;
        }),
    ).toThrow(/VonMises/);
  });
});
