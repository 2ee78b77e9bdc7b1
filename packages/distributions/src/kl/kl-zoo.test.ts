import { NotImplementedError, Rng } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/examples/load-fixture.js';
import { Beta } from '../beta.js';
import { Binomial } from '../binomial.js';
import { Cauchy } from '../cauchy.js';
import { Chi2 } from '../chi2.js';
import { Dirichlet } from '../dirichlet.js';
import type { BaseDistribution } from '../distribution.js';
import { Exponential } from '../exponential.js';
import { Gamma } from '../gamma.js';
import { Geometric } from '../geometric.js';
import { Gumbel } from '../gumbel.js';
import { HalfNormal } from '../half-normal.js';
import { Laplace } from '../laplace.js';
import { LowRankMultivariateNormal } from '../low-rank-multivariate-normal.js';
import { MultivariateNormal } from '../multivariate-normal.js';
import { Normal } from '../normal.js';
import { OneHotCategorical } from '../one-hot-categorical.js';
import { Pareto } from '../pareto.js';
import { Poisson } from '../poisson.js';
import { Uniform } from '../uniform.js';
import { hasKl, kl, klMonteCarlo } from './index.js';
import type { DistributionClass } from './registry.js';

/*
 * Oracle: torch.distributions.kl_divergence in float64 at float32-rounded parameters
 * (fixtures/kl-zoo.json, from fixtures/make_kl_zoo.py), and Monte Carlo E_p[log p − log q] by
 * klMonteCarlo for the finite cases.
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
  monteCarlo?: false;
}

const fixtures = loadFixture('kl-zoo') as Record<string, Case[]>;

const classes: Record<string, DistributionClass & (new (params: never) => BaseDistribution)> = {
  Beta,
  Binomial,
  Cauchy,
  Dirichlet,
  Exponential,
  Gamma,
  Geometric,
  Gumbel,
  HalfNormal,
  Laplace,
  LowRankMultivariateNormal,
  MultivariateNormal,
  Normal,
  OneHotCategorical,
  Pareto,
  Poisson,
  Uniform,
};

function build(spec: Spec): BaseDistribution {
  const C = classes[spec.family];
  if (C === undefined) throw new Error(`no constructor for ${spec.family}`);
  return new C(spec.params as never);
}

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

const TOLERANCE = { atol: 1e-5, rtol: 1e-5 };

/**
 * Every pair torch 1.13 registers with one of the zoo's families on a side and this package's
 * families on both, pinned (the fixture script asserts the same list against torch's registry).
 */
const TORCH_ZOO_PAIRS = [
  'beta-pareto',
  'binomial-binomial',
  'cauchy-cauchy',
  'dirichlet-dirichlet',
  'exponential-gumbel',
  'exponential-pareto',
  'gamma-gumbel',
  'gamma-pareto',
  'geometric-geometric',
  'gumbel-beta',
  'gumbel-exponential',
  'gumbel-gamma',
  'gumbel-gumbel',
  'gumbel-normal',
  'gumbel-pareto',
  'gumbel-uniform',
  'halfnormal-halfnormal',
  'laplace-pareto',
  'lowrankmultivariatenormal-lowrankmultivariatenormal',
  'lowrankmultivariatenormal-multivariatenormal',
  'multivariatenormal-lowrankmultivariatenormal',
  'normal-gumbel',
  'normal-pareto',
  'onehotcategorical-onehotcategorical',
  'pareto-beta',
  'pareto-exponential',
  'pareto-gamma',
  'pareto-normal',
  'pareto-pareto',
  'pareto-uniform',
  'poisson-binomial',
  'uniform-gumbel',
  'uniform-pareto',
];

describeBackends('kl zoo: the registry', () => {
  it('the fixture holds every pair torch registers for the zoo families', () => {
    expect(Object.keys(fixtures).sort()).toEqual([...TORCH_ZOO_PAIRS].sort());
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

describeBackends('kl zoo vs torch.distributions.kl_divergence', () => {
  for (const [pair, cases] of Object.entries(fixtures)) {
    describe(pair, () => {
      for (const c of cases) {
        it(c.name, () => {
          withCase(c, (p, q) => {
            const out = kl(p, q);
            expect(out.shape).toEqual(
              tf.broadcast_util.assertAndGetBroadcastShape([...p.batchShape], [...q.batchShape]),
            );
            expectClose(out, c.kl, TOLERANCE);
            out.dispose();
          });
        });
      }
    });
  }
});

describeBackends('kl zoo: gradients', () => {
  it('are finite (never NaN) where KL is finite, including batches with +∞ entries', () => {
    for (const [pair, cases] of Object.entries(fixtures)) {
      for (const c of cases.filter((k) => flat(k.kl).some(Number.isFinite))) {
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

describeBackends('kl zoo: klMonteCarlo vs the closed forms', () => {
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
            // +∞ entries: a Monte Carlo estimate is +∞ only once a draw lands outside q's
            // support, which heavy-tailed or far-away cases need not do; skip them.
            if (!Number.isFinite(want[j]!)) continue;
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
});

describeBackends('kl zoo: edge cases', () => {
  it('Binomial ‖ Binomial throws NotImplementedError where q’s totalCount exceeds p’s, as torch', () => {
    const p = new Binomial({ totalCount: [5, 10], probs: 0.3 });
    const q = new Binomial({ totalCount: [5, 11], probs: 0.4 });
    expect(() => kl(p, q)).toThrow(NotImplementedError);
    expect(() => kl(p, q)).toThrow(/totalCount exceeds p's/);
    // With options, the refusal falls back to a Monte Carlo estimate (finite: p's support is
    // inside q's).
    const est = kl(p, q, { samples: 2000, rng: Rng.fromSeed(2) });
    expect(est.shape).toEqual([2]);
    for (const v of est.dataSync()) expect(Number.isFinite(v)).toBe(true);
    est.dispose();
    p.dispose();
    q.dispose();
  });

  it('Binomial ‖ Binomial: totalCount 0 gives 0, probabilities 0 and 1 follow the limits', () => {
    const p = new Binomial({ totalCount: [0, 4, 4, 4], probs: [0.5, 0, 1, 0.5] });
    const q = new Binomial({ totalCount: [0, 4, 4, 4], probs: [0, 0.5, 0.5, 1] });
    const out = kl(p, q);
    expectClose(out, [0, -4 * Math.log(0.5), -4 * Math.log(0.5), Number.POSITIVE_INFINITY]);
    out.dispose();
    p.dispose();
    q.dispose();
  });

  it('Geometric ‖ Geometric at probability 1: 0 against itself, +∞ against p < 1', () => {
    const p = new Geometric({ probs: [1, 0.5, 0.5] });
    const q = new Geometric({ probs: [1, 1, 0.25] });
    const out = kl(p, q);
    // KL(Geom(½) ‖ Geom(¼)) = −H + E[K](−log ¾) − log ¼ with H = 2 log 2 and E[K] = 1.
    const want = 2 * Math.log(0.5) - Math.log(0.75) - Math.log(0.25);
    expectClose(out, [0, Number.POSITIVE_INFINITY, want], { atol: 1e-5 });
    out.dispose();
    p.dispose();
    q.dispose();
  });

  it('Chi2 inherits the Gamma pairs (Chi2 ‖ Gumbel, Pareto ‖ Chi2)', () => {
    const c = new Chi2({ df: 3 });
    const g = new Gamma({ concentration: 1.5, rate: 0.5 });
    const gu = new Gumbel({ loc: 1, scale: 2 });
    const pa = new Pareto({ scale: 1, alpha: 3 });
    const pairs: [BaseDistribution, BaseDistribution, BaseDistribution, BaseDistribution][] = [
      [c, gu, g, gu],
      [pa, c, pa, g],
    ];
    for (const [a, b, a2, b2] of pairs) {
      const got = kl(a, b);
      const want = kl(a2, b2);
      expectClose(got, want, { atol: 1e-6 });
      tf.dispose([got, want]);
    }
    for (const d of [c, g, gu, pa]) d.dispose();
  });
});

describeBackends('kl zoo: memory', () => {
  for (const [pair, cases] of Object.entries(fixtures)) {
    it(`${pair} does not leak`, async () => {
      for (const c of cases) {
        await expectNoLeak(() => withCase(c, (p, q) => kl(p, q)), `${pair} ${c.name}`);
      }
    });
  }

  it('the Binomial refusal does not leak', async () => {
    const p = new Binomial({ totalCount: 3, probs: 0.3 });
    const q = new Binomial({ totalCount: 4, probs: 0.3 });
    await expectNoLeak(() => {
      expect(() => kl(p, q)).toThrow(NotImplementedError);
    }, 'refusal');
    p.dispose();
    q.dispose();
  });
});
