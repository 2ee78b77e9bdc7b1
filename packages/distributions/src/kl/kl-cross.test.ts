import { InvalidArgumentError, NotImplementedError, Rng, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/examples/load-fixture.js';
import { Bernoulli } from '../bernoulli.js';
import { Beta } from '../beta.js';
import type { BaseDistribution } from '../distribution.js';
import { Exponential } from '../exponential.js';
import { Gamma } from '../gamma.js';
import { Independent } from '../independent.js';
import { Laplace } from '../laplace.js';
import { MultivariateNormal } from '../multivariate-normal.js';
import { Normal } from '../normal.js';
import { Poisson } from '../poisson.js';
import { Uniform } from '../uniform.js';
import { Weibull } from '../weibull.js';
import { hasKl, kl, klMonteCarlo } from './index.js';
import type { DistributionClass } from './registry.js';

/*
 * Oracles: torch.distributions.kl_divergence in float64 at float32-rounded parameters
 * (fixtures/kl-cross.json, from fixtures/make_kl_cross.py; scipy quadrature for the few cases
 * where torch gives NaN), Monte Carlo E_p[log p − log q] by klMonteCarlo, and a hand-derived
 * closed form for a pair that is not registered (Exponential ‖ Laplace).
 */

type Params = Record<string, number | number[] | number[][]>;
interface Spec {
  family: string;
  params: Params;
}
interface Case {
  name: string;
  p: Spec;
  q: Spec;
  kl: number | number[] | number[][];
  source?: 'quad';
  /** false where float32 draws make the Monte Carlo check impossible (reason in the script). */
  monteCarlo?: false;
  /** false where the gradient is infinite in exact arithmetic (reason in the script). */
  gradient?: false;
}

const fixtures = loadFixture('kl-cross') as Record<string, Case[]>;

const classes: Record<string, DistributionClass & (new (params: never) => BaseDistribution)> = {
  Normal,
  Laplace,
  Exponential,
  Gamma,
  Beta,
  Uniform,
  Poisson,
  Bernoulli,
};

function build(spec: Spec): BaseDistribution {
  const C = classes[spec.family];
  if (C === undefined) throw new Error(`no constructor for ${spec.family}`);
  return new C(spec.params as never);
}

/** Builds both sides of a case (from `c.p`/`c.q`, or the given specs), runs `fn`, disposes. */
function withCase<T>(
  c: Pick<Case, 'p' | 'q'>,
  fn: (p: BaseDistribution, q: BaseDistribution) => T,
): T {
  const p = build(c.p);
  try {
    const q = build(c.q);
    try {
      return fn(p, q);
    } finally {
      q.dispose();
    }
  } finally {
    p.dispose();
  }
}

function flat(v: unknown): number[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v as number];
}

/** The tolerance of kl.test.ts (float32 closed forms against a float64 reference). */
const TOLERANCE = { atol: 1e-5, rtol: 1e-5 };

/**
 * The pairs across families that torch registers among the families of this package, pinned:
 * the fixture must hold each, so neither it nor the registry can lose one silently.
 */
const TORCH_CROSS_PAIRS = [
  'bernoulli-poisson',
  'beta-exponential',
  'beta-gamma',
  'beta-normal',
  'beta-uniform',
  'exponential-beta',
  'exponential-gamma',
  'exponential-normal',
  'exponential-uniform',
  'gamma-beta',
  'gamma-exponential',
  'gamma-normal',
  'gamma-uniform',
  'laplace-beta',
  'laplace-exponential',
  'laplace-gamma',
  'laplace-normal',
  'laplace-uniform',
  'normal-beta',
  'normal-exponential',
  'normal-gamma',
  'normal-laplace',
  'normal-uniform',
  'poisson-bernoulli',
  'uniform-beta',
  'uniform-exponential',
  'uniform-gamma',
  'uniform-normal',
];

describeBackends('kl across families: the registry', () => {
  it('the fixture holds every pair torch registers among these families', () => {
    expect(Object.keys(fixtures).sort()).toEqual([...TORCH_CROSS_PAIRS].sort());
  });

  it('every pair in the fixture is registered, both as classes and as instances', () => {
    for (const [pair, cases] of Object.entries(fixtures)) {
      for (const c of cases) {
        const P = classes[c.p.family]!;
        const Q = classes[c.q.family]!;
        expect(hasKl(P, Q), `${pair}: hasKl(${c.p.family}, ${c.q.family})`).toBe(true);
        withCase(c, (p, q) => expect(hasKl(p, q), `${pair} ${c.name}`).toBe(true));
      }
    }
  });
});

describeBackends('kl across families vs torch.distributions.kl_divergence', () => {
  for (const [pair, cases] of Object.entries(fixtures)) {
    describe(pair, () => {
      for (const c of cases) {
        it(c.name, () => {
          withCase(c, (p, q) => {
            const out = kl(p, q);
            expect(out.shape).toEqual(
              tf.broadcast_util.assertAndGetBroadcastShape([...p.batchShape], [...q.batchShape]),
            );
            // +∞ exactly where torch gives +∞ (expectClose compares infinities exactly).
            expectClose(out, c.kl, TOLERANCE);
            out.dispose();
          });
        });
      }
    });
  }
});

describeBackends('kl across families: gradients', () => {
  it('are finite (never NaN) where KL is finite, including batches with +∞ entries', () => {
    for (const [pair, cases] of Object.entries(fixtures)) {
      for (const c of cases.filter(
        (k) => flat(k.kl).some(Number.isFinite) && k.gradient !== false,
      )) {
        const leaves: tf.Tensor[] = [];
        const asLeaves = (s: Spec): Spec => {
          const params: Record<string, tf.Tensor> = {};
          for (const [name, value] of Object.entries(s.params)) {
            const t = tf.tensor(value as number[]);
            leaves.push(t);
            params[name] = t;
          }
          return { family: s.family, params: params as unknown as Params };
        };
        const specs = { p: asLeaves(c.p), q: asLeaves(c.q) };
        const { value, grads } = tf.engine().gradients(
          () =>
            withCase(specs, (p, q) => {
              const out = kl(p, q);
              return tf.sum(tf.where(tf.isFinite(out), out, tf.zerosLike(out))) as tf.Scalar;
            }),
          leaves,
          undefined,
          true,
        );
        grads.forEach((g, i) => {
          expect(g, `${pair} ${c.name}: gradient of parameter ${i}`).toBeDefined();
          for (const v of g!.dataSync()) {
            expect(Number.isFinite(v), `${pair} ${c.name}: gradient ${v}`).toBe(true);
          }
        });
        tf.dispose([value, ...grads, ...leaves]);
      }
    }
  });
});

describeBackends('klMonteCarlo vs the closed forms', () => {
  const samples = 20000;
  for (const [pair, cases] of Object.entries(fixtures)) {
    const finite = cases.filter((c) => flat(c.kl).some(Number.isFinite) && c.monteCarlo !== false);
    if (finite.length === 0) continue;
    it(`${pair}: within 4 standard errors (${samples} draws, seed 11)`, () => {
      for (const c of finite) {
        withCase(c, (p, q) => {
          const { value, standardError } = klMonteCarlo(p, q, {
            samples,
            rng: Rng.fromSeed(11),
          });
          const got = value.dataSync();
          const se = standardError.dataSync();
          const want = flat(c.kl);
          expect(got.length).toBe(want.length);
          for (let j = 0; j < want.length; j++) {
            if (!Number.isFinite(want[j]!)) {
              // The draws land outside q's support: +∞ for certain.
              expect(got[j], `${c.name} element ${j}`).toBe(Number.POSITIVE_INFINITY);
              expect(se[j], `${c.name} element ${j}`).toBe(0);
              continue;
            }
            // 4 SE: a two-sided false-failure rate of 6.3e-5 per element; 1e-5 · (1 + |KL|) is
            // float32 rounding where log p − log q is nearly constant (SE ≈ 0).
            expect(
              Math.abs(got[j]! - want[j]!),
              `${c.name} element ${j}: Monte Carlo ${got[j]} ± ${se[j]}, closed form ${want[j]}`,
            ).toBeLessThanOrEqual(4 * se[j]! + 1e-5 * (1 + Math.abs(want[j]!)));
          }
          tf.dispose([value, standardError]);
        });
      }
    });
  }

  it('gives +∞ with standard error 0 for Normal and Laplace against a family on [0, ∞) or [a, b]', () => {
    // Their scalar cases, where some of the draws fall outside q's support for certain in
    // practice (a Monte Carlo estimate sees +∞ only once a draw lands there).
    for (const [pair, cases] of Object.entries(fixtures)) {
      if (!/^(normal|laplace)-(beta|exponential|gamma|uniform)$/.test(pair)) continue;
      for (const c of cases.filter((k) => !Array.isArray(k.kl))) {
        withCase(c, (p, q) => {
          const { value, standardError } = klMonteCarlo(p, q, {
            samples: 1000,
            rng: Rng.fromSeed(3),
          });
          expectClose(value, c.kl, { message: `${pair} ${c.name}` });
          expectClose(standardError, 0, { message: `${pair} ${c.name}` });
          tf.dispose([value, standardError]);
        });
      }
    }
  });
});

describeBackends('kl across families: edge cases', () => {
  it('Poisson(0) ‖ Bernoulli is the point mass at 0, −log(1 − p); Bernoulli ‖ Poisson(0)', () => {
    // Rate 0 needs validateArgs: false (Poisson's rate must be > 0 otherwise).
    const pois = new Poisson({ rate: [0, 0, 0, 2], validateArgs: false });
    const bern = new Bernoulli({ probs: [0.3, 0, 1, 0.3] });
    const out = kl(pois, bern);
    expectClose(out, [-Math.log(0.7), 0, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY], {
      atol: 1e-6,
    });
    const back = kl(
      new Bernoulli({ probs: [0, 0.4] }),
      new Poisson({ rate: 0, validateArgs: false }),
    );
    expectClose(back, [0, Number.POSITIVE_INFINITY]);
    tf.dispose([out, back]);
    pois.dispose();
    bern.dispose();
  });

  it('Uniform ‖ Gamma and Uniform ‖ Beta stay accurate for narrow intervals far from 0', () => {
    // E[log X] under U(l, h) by the textbook (h log h − l log l)/(h − l) − 1 loses about
    // 2⁻²⁴ · h log h/(h − l) ≈ 4e-3 here in float32, 0.2 in the KL after the factor α − 1 = 49;
    // the midpoint series keeps it to float32 rounding.
    const low = 100;
    const high = 100.0078125; // exactly representable, width 2⁻⁷
    const u = new Uniform({ low, high });
    const g = new Gamma({ concentration: 50, rate: 0.5 });
    const out = kl(u, g);
    // Reference in float64 by the midpoint expansion E[log X] = log m − r²/6 − r⁴/20 − …
    const m = (low + high) / 2;
    const r = (high - low) / (high + low);
    const meanLog = Math.log(m) - r ** 2 / 6 - r ** 4 / 20;
    const lgamma50 = 144.56574394634487; // log Γ(50) = log 49!
    const want = -Math.log(high - low) + lgamma50 - 50 * Math.log(0.5) - 49 * meanLog + 0.5 * m;
    expectClose(out, want, { atol: 1e-4 * (1 + Math.abs(want)), rtol: 0 });
    out.dispose();
    u.dispose();
    g.dispose();
  });
});

describeBackends('kl Monte Carlo fallback', () => {
  const rng = () => Rng.fromSeed(5);

  it('estimates an unregistered pair: Exponential ‖ Laplace against its closed form', () => {
    // KL(Exp(λ) ‖ Laplace(μ, b)) = −(1 − log λ) + log 2b + E|X − μ|/b, with
    // E|X − μ| = μ − 1/λ + 2e^{−λμ}/λ for μ ≥ 0 and 1/λ − μ for μ < 0 (not registered: torch
    // leaves it as a TODO).
    const rate = [1, 2, 0.5];
    const loc = [0.5, -1, 3];
    const scale = [1, 0.5, 2];
    const want = rate.map((l, i) => {
      const mu = loc[i]!;
      const b = scale[i]!;
      const absMean = mu >= 0 ? mu - 1 / l + (2 * Math.exp(-l * mu)) / l : 1 / l - mu;
      return -(1 - Math.log(l)) + Math.log(2 * b) + absMean / b;
    });
    const p = new Exponential({ rate });
    const q = new Laplace({ loc, scale });
    expect(hasKl(p, q)).toBe(false);
    const samples = 20000;
    const out = kl(p, q, { samples, rng: rng() });
    expect(out.shape).toEqual([3]);
    const { value, standardError } = klMonteCarlo(p, q, { samples, rng: rng() });
    // kl's estimate is klMonteCarlo's value for the same stream.
    expectClose(out, value, { atol: 0, rtol: 0 });
    const got = value.dataSync();
    const se = standardError.dataSync();
    for (let i = 0; i < 3; i++) {
      // Element 1 (μ < 0 ≤ X) has log p − log q constant: SE ≈ 0, float32 rounding only.
      expect(Math.abs(got[i]! - want[i]!), `element ${i}`).toBeLessThanOrEqual(
        4 * se[i]! + 1e-5 * (1 + Math.abs(want[i]!)),
      );
    }
    tf.dispose([out, value, standardError]);
    p.dispose();
    q.dispose();
  });

  it('Weibull ‖ Normal: finite values of the broadcast batch shape with options, else NotImplementedError', () => {
    const p = new Weibull({ shape: [0.8, 2, 5], scale: 1 });
    const q = new Normal({ loc: [[0], [1]], scale: 1.5 });
    expect(hasKl(p, q)).toBe(false);
    expect(() => kl(p, q)).toThrow(NotImplementedError);
    expect(() => kl(p, q)).toThrow(
      /KL\(Weibull ‖ Normal\).*registerKl\(Weibull, Normal, fn\).*\{ samples, rng \}/,
    );
    const out = kl(p, q, { samples: 2000, rng: rng() });
    expect(out.shape).toEqual([2, 3]);
    for (const v of out.dataSync()) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(-0.1); // KL ≥ 0, up to Monte Carlo error
    }
    out.dispose();
    p.dispose();
    q.dispose();
  });

  it('is +∞ where draws fall outside q’s support (Weibull ‖ Uniform, Normal ‖ Poisson)', () => {
    const w = new Weibull({ shape: 2, scale: 1 });
    const u = new Uniform({ low: [0, -1], high: [0.5, 100] });
    const out = kl(w, u, { samples: 500, rng: rng() });
    const got = out.dataSync();
    expect(got[0]).toBe(Number.POSITIVE_INFINITY); // Weibull(2, 1) puts mass above 0.5
    expect(Number.isFinite(got[1]!)).toBe(true);
    const n = new Normal({ loc: 0, scale: 1 });
    const pois = new Poisson({ rate: 1 });
    const both = kl(n, pois, { samples: 50, rng: rng() });
    expectClose(both, Number.POSITIVE_INFINITY);
    tf.dispose([out, both]);
    for (const d of [w, u, n, pois]) d.dispose();
  });

  it('handles event shapes and a batch only q has (MultivariateNormal, klMonteCarlo)', () => {
    const p = new MultivariateNormal({
      loc: [0.5, -1],
      scaleTril: [
        [1, 0],
        [0.5, 0.8],
      ],
    });
    const q = new MultivariateNormal({
      loc: [
        [0, 0],
        [1, -2],
      ],
      scaleTril: [
        [1.5, 0],
        [-0.3, 1],
      ],
    });
    const exact = kl(p, q);
    const { value, standardError } = klMonteCarlo(p, q, { samples: 20000, rng: rng() });
    expect(value.shape).toEqual([2]);
    const got = value.dataSync();
    const want = exact.dataSync();
    const se = standardError.dataSync();
    for (let i = 0; i < 2; i++) {
      expect(Math.abs(got[i]! - want[i]!), `element ${i}`).toBeLessThanOrEqual(
        4 * se[i]! + 1e-5 * (1 + Math.abs(want[i]!)),
      );
    }
    tf.dispose([exact, value, standardError]);
    p.dispose();
    q.dispose();
  });

  it('uses the registered closed form even when options are given', () => {
    const p = new Normal({ loc: [0, 1], scale: 1 });
    const q = new Normal({ loc: 1, scale: 2 });
    const exact = kl(p, q);
    const withOptions = kl(p, q, { samples: 3, rng: rng() });
    expectClose(withOptions, exact, { atol: 0, rtol: 0 });
    tf.dispose([exact, withOptions]);
    p.dispose();
    q.dispose();
  });

  it('estimates an Independent pair whose bases have no closed form', () => {
    const p = new Independent(new Weibull({ shape: [2, 3], scale: 1 }), 1);
    const q = new Independent(new Normal({ loc: [1, 1], scale: 1 }), 1);
    expect(() => kl(p, q)).toThrow(NotImplementedError);
    const out = kl(p, q, { samples: 4000, rng: rng() });
    const parts = kl(p.base, q.base, { samples: 4000, rng: rng() });
    expect(out.shape).toEqual([]);
    // The same draws: the sum over the reinterpreted axis of the base's estimate.
    expectClose(out, tf.sum(parts), { atol: 1e-4, rtol: 1e-5 });
    tf.dispose([out, parts]);
    p.dispose();
    q.dispose();
  });

  it('refuses bad options with typed errors naming kl and the option', () => {
    const p = new Weibull({ shape: 2, scale: 1 });
    const q = new Normal({ loc: 0, scale: 1 });
    const r = rng();
    const bad: [unknown, RegExp][] = [
      [{ samples: 10, rng: r, sample: 5 }, /kl: unknown option 'sample'/],
      [{ samples: 0, rng: r }, /kl: argument 'options.samples' must be an integer >= 1, got 0/],
      [{ samples: 1.5, rng: r }, /kl: argument 'options.samples'.*got 1.5/],
      [{ samples: '10', rng: r }, /kl: argument 'options.samples'.*got "10"/],
      [{ rng: r }, /kl: argument 'options.samples'.*got undefined/],
      [{ samples: 10 }, /kl: argument 'options.rng' must be an Rng/],
      [{ samples: 10, rng: 42 }, /kl: argument 'options.rng'.*got 42/],
      [null, /kl: argument 'options' must be an options object/],
      [7, /kl: argument 'options' must be an options object/],
    ];
    for (const [options, message] of bad) {
      expect(() => kl(p, q, options as never)).toThrow(InvalidArgumentError);
      expect(() => kl(p, q, options as never)).toThrow(message);
      // Checked even where a closed form exists.
      expect(() => kl(q, q, options as never)).toThrow(InvalidArgumentError);
    }
    expect(() => klMonteCarlo(p, q, { samples: -1, rng: r })).toThrow(
      /klMonteCarlo: argument 'options.samples'/,
    );
    expect(() => klMonteCarlo(p, q, { samples: 1, rng: r, extra: 1 } as never)).toThrow(
      /klMonteCarlo: unknown option 'extra'/,
    );
    expect(() => klMonteCarlo(p, q, undefined as never)).toThrow(
      /klMonteCarlo: argument 'options' must be \{ samples, rng \}/,
    );
    const wide = new Normal({ loc: [0, 1, 2], scale: 1 });
    const other = new Weibull({ shape: [1, 2], scale: 1 });
    expect(() => klMonteCarlo(wide, other, { samples: 5, rng: r })).toThrow(ShapeMismatchError);
    expect(() => kl(other, wide, { samples: 5, rng: r })).toThrow(
      /kl: the batch shapes of p \(Weibull, \[2\]\) and q \(Normal, \[3\]\) do not broadcast/,
    );
    for (const d of [p, q, wide, other]) d.dispose();
  });

  it('standard error: NaN for one sample, the sample std / √n otherwise', () => {
    const p = new Normal({ loc: 0, scale: 1 });
    const q = new Normal({ loc: 1, scale: 1 });
    const one = klMonteCarlo(p, q, { samples: 1, rng: rng() });
    expect(Number.isNaN(one.standardError.dataSync()[0])).toBe(true);
    // log p − log q = ½(x − 1)² − ½x² = ½ − x: its std is 1, so SE ≈ 1/√n.
    const many = klMonteCarlo(p, q, { samples: 10000, rng: rng() });
    expectClose(many.standardError, 0.01, { atol: 5e-4, rtol: 0 });
    tf.dispose([one.value, one.standardError, many.value, many.standardError]);
    p.dispose();
    q.dispose();
  });
});

describeBackends('kl across families: memory', () => {
  for (const [pair, cases] of Object.entries(fixtures)) {
    it(`${pair} does not leak`, async () => {
      for (const c of cases) {
        await expectNoLeak(() => withCase(c, (p, q) => kl(p, q)), `${pair} ${c.name}`);
      }
    });
  }

  it('the Monte Carlo estimate and its errors do not leak', async () => {
    const p = new Weibull({ shape: [2, 3], scale: 1 });
    const q = new Normal({ loc: 0, scale: [[1], [2]] });
    const u = new Uniform({ low: 0, high: 0.5 });
    await expectNoLeak(() => kl(p, q, { samples: 100, rng: Rng.fromSeed(1) }), 'kl fallback');
    await expectNoLeak(() => {
      const { value, standardError } = klMonteCarlo(p, q, { samples: 100, rng: Rng.fromSeed(1) });
      return [value, standardError];
    }, 'klMonteCarlo');
    await expectNoLeak(() => kl(p, u, { samples: 100, rng: Rng.fromSeed(1) }), '+∞ estimate');
    await expectNoLeak(() => {
      expect(() => kl(p, q)).toThrow(NotImplementedError);
      expect(() => kl(p, q, { samples: 0, rng: Rng.fromSeed(1) })).toThrow(InvalidArgumentError);
    }, 'refusals');
    const ip = new Independent(new Weibull({ shape: [2, 3], scale: 1 }), 1);
    const iq = new Independent(new Normal({ loc: [1, 1], scale: 1 }), 1);
    await expectNoLeak(
      () => kl(ip, iq, { samples: 100, rng: Rng.fromSeed(1) }),
      'Independent fallback after NotImplementedError',
    );
    for (const d of [p, q, u, ip, iq]) d.dispose();
  });
});
