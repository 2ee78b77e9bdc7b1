import { InvalidArgumentError, NotImplementedError, Rng, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak, numericalGradient } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/examples/load-fixture.js';
import { Bernoulli } from '../bernoulli.js';
import { Beta } from '../beta.js';
import { Categorical } from '../categorical.js';
import type { BaseDistribution } from '../distribution.js';
import { Exponential } from '../exponential.js';
import { Gamma } from '../gamma.js';
import { Independent } from '../independent.js';
import { Laplace } from '../laplace.js';
import { MultivariateNormal } from '../multivariate-normal.js';
import { Normal } from '../normal.js';
import { Poisson } from '../poisson.js';
import { Uniform } from '../uniform.js';
import { klNormalNormal } from './gaussian.js';
import { hasKl, kl, registerKl } from './index.js';

/*
 * Oracles: torch.distributions.kl_divergence in float64 at float32-rounded parameters
 * (fixtures/kl.json, from fixtures/make_kl.py); Monte Carlo E_p[log p − log q]; KL(p ‖ p) = 0;
 * non-negativity; central finite differences for the gradients.
 */

type Params = Record<string, number | number[] | number[][] | number[][][]>;
type Spec =
  | { family: string; params: Params }
  | { family: 'Independent'; base: Spec; reinterpretedBatchRank: number };
interface Case {
  name: string;
  p: Spec;
  q: Spec;
  kl: number | number[] | number[][];
  /** false where float32 draws make the Monte Carlo check impossible (reason in make_kl.py). */
  monteCarlo?: false;
}

const fixtures = loadFixture('kl') as Record<string, Case[]>;

// biome-ignore lint/suspicious/noExplicitAny: the fixture's parameters are checked by the constructors.
const constructors: Record<string, (params: any) => BaseDistribution> = {
  Normal: (params) => new Normal(params),
  MultivariateNormal: (params) => new MultivariateNormal(params),
  Bernoulli: (params) => new Bernoulli(params),
  Categorical: (params) => new Categorical(params),
  Exponential: (params) => new Exponential(params),
  Gamma: (params) => new Gamma(params),
  Poisson: (params) => new Poisson(params),
  Uniform: (params) => new Uniform(params),
  Laplace: (params) => new Laplace(params),
  Beta: (params) => new Beta(params),
};

/** Builds a distribution from a fixture spec; `owned` collects everything to dispose. */
function build(spec: Spec, owned: BaseDistribution[] = []): BaseDistribution {
  let d: BaseDistribution;
  if ('base' in spec) {
    d = new Independent(build(spec.base, owned), spec.reinterpretedBatchRank);
  } else {
    const make = constructors[spec.family];
    if (make === undefined) throw new Error(`no constructor for ${spec.family}`);
    d = make(spec.params);
  }
  owned.push(d);
  return d;
}

/** The spec with every parameter replaced by a new tensor, collected in `leaves`. */
function withLeaves(spec: Spec, leaves: tf.Tensor[]): Spec {
  if ('base' in spec) return { ...spec, base: withLeaves(spec.base, leaves) };
  const params: Record<string, tf.Tensor> = {};
  for (const [name, value] of Object.entries(spec.params)) {
    const t = tf.tensor(value as number[]);
    leaves.push(t);
    params[name] = t;
  }
  return { family: spec.family, params: params as unknown as Params };
}

/** Builds both sides of a case, runs `fn` and disposes everything. */
function withCase<T>(c: Case, fn: (p: BaseDistribution, q: BaseDistribution) => T): T {
  const owned: BaseDistribution[] = [];
  try {
    return fn(build(c.p, owned), build(c.q, owned));
  } finally {
    for (const d of owned.reverse()) d.dispose();
  }
}

function flat(v: unknown): number[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v as number];
}

/**
 * float32 tolerance against a float64 reference at the same (float32) parameters: each closed
 * form adds and subtracts terms of size ≲ 10 · max(1, KL), each with a relative rounding of a
 * few 2⁻²⁴ (6e-8), and core's float32 lgamma/digamma (Gamma, Beta) are absolutely accurate to
 * ~1e-6 per call: atol 1e-5 + rtol 1e-5.
 */
const TOLERANCE = { atol: 1e-5, rtol: 1e-5 };

/** Largest |kl − torch| over finite entries, per pair, reported at the end. */
const maxError = new Map<string, number>();

describeBackends('kl vs torch.distributions.kl_divergence', ({ name: backend }) => {
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
            const got = out.dataSync();
            const want = flat(c.kl);
            for (let i = 0; i < want.length; i++) {
              if (!Number.isFinite(want[i]!)) continue;
              const e = Math.abs(got[i]! - want[i]!);
              const key = `${pair} [${backend}]`;
              maxError.set(key, Math.max(maxError.get(key) ?? 0, e));
            }
            out.dispose();
          });
        });
      }
    });
  }

  afterAll(() => {
    // A record of the largest errors (the assertions above are what fail).
    const lines = [...maxError].filter(([k]) => k.endsWith(`[${backend}]`));
    console.info(lines.map(([k, v]) => `max |kl − torch| ${k}: ${v.toExponential(2)}`).join('\n'));
  });
});

describeBackends('kl properties', () => {
  describe('KL(p ‖ p) = 0 and gradients are finite for every fixture case', () => {
    for (const [pair, cases] of Object.entries(fixtures)) {
      it(pair, () => {
        for (const c of cases) {
          withCase(c, (p) => {
            const out = kl(p, p);
            expect(out.shape).toEqual([...p.batchShape]);
            expectClose(out, 0, { atol: TOLERANCE.atol, rtol: 0, message: c.name });
            out.dispose();
          });
        }
      });
    }
  });

  it('is non-negative over a random sweep of parameters', () => {
    const rng = Rng.fromSeed(7);
    const n = [64];
    const u = (lo: number, hi: number) => rng.uniform(n, lo, hi);
    const pos = () => tf.exp(rng.normal(n, 0, 1));
    const makers: (() => BaseDistribution)[] = [
      () => new Normal({ loc: rng.normal(n, 0, 2), scale: pos() }),
      () => {
        const a = rng.normal([64, 3, 3], 0, 1);
        const strictlyLower = tf.sub(tf.linalg.bandPart(a, -1, 0), tf.linalg.bandPart(a, 0, 0));
        const diagonal = tf.mul(tf.eye(3), tf.exp(rng.normal([64, 3, 1], 0, 0.5)));
        return new MultivariateNormal({
          loc: rng.normal([64, 3], 0, 2),
          scaleTril: tf.add(strictlyLower, diagonal),
        });
      },
      () => new Bernoulli({ logits: rng.normal(n, 0, 3) }),
      () => new Categorical({ logits: rng.normal([64, 5], 0, 2) }),
      () => new Exponential({ rate: pos() }),
      () => new Gamma({ concentration: pos(), rate: pos() }),
      () => new Poisson({ rate: pos() }),
      () => new Laplace({ loc: rng.normal(n, 0, 2), scale: pos() }),
      () => new Beta({ a: pos(), b: pos() }),
    ];
    for (const make of makers) {
      tf.tidy(() => {
        const p = make();
        const q = make();
        const out = kl(p, q);
        // Rounding of terms that cancel only where p = q: a float32 floor, not a tolerance.
        expect(tf.min(out).dataSync()[0]!, p.name).toBeGreaterThanOrEqual(-1e-5);
        p.dispose();
        q.dispose();
      });
    }
    tf.tidy(() => {
      const low = u(-2, 0);
      const p = new Uniform({ low, high: tf.add(low, pos()) });
      const q = new Uniform({ low: tf.sub(low, pos()), high: tf.add(low, tf.add(pos(), 5)) });
      expect(tf.min(kl(p, q)).dataSync()[0]!).toBeGreaterThanOrEqual(0);
      p.dispose();
      q.dispose();
    });
  });
});

describeBackends('kl vs Monte Carlo E_p[log p(X) − log q(X)]', () => {
  const n = 20000;
  for (const [pair, cases] of Object.entries(fixtures)) {
    // Every case with a finite KL (where p has mass outside q's support the estimate is +∞
    // trivially and logProb of q rejects the draws), but those marked in the fixture.
    const finite = cases.filter((c) => flat(c.kl).every(Number.isFinite) && c.monteCarlo !== false);
    it(`${pair}: within 4 standard errors (${n} draws, seed 11)`, () => {
      expect(finite.length).toBeGreaterThan(0);
      for (const c of finite) {
        withCase(c, (p, q) => {
          const { diff, exact } = tf.tidy(() => {
            const x = p.sample(n, Rng.fromSeed(11));
            return { diff: tf.sub(p.logProb(x), q.logProb(x)), exact: kl(p, q) };
          });
          const d = diff.dataSync();
          const want = exact.dataSync();
          const size = want.length;
          expect(d.length).toBe(n * size);
          for (let j = 0; j < size; j++) {
            let s = 0;
            for (let i = 0; i < n; i++) s += d[i * size + j]!;
            const mean = s / n;
            let ss = 0;
            for (let i = 0; i < n; i++) ss += (d[i * size + j]! - mean) ** 2;
            const se = Math.sqrt(ss / (n - 1) / n);
            // 4 SE: a two-sided false-failure rate of 6.3e-5 per element (normal
            // approximation); 1e-5 · (1 + |KL|) is float32 rounding where log p − log q is
            // constant (SE = 0).
            expect(
              Math.abs(mean - want[j]!),
              `${c.name} element ${j}: Monte Carlo ${mean} ± ${se}, closed form ${want[j]}`,
            ).toBeLessThanOrEqual(4 * se + 1e-5 * (1 + Math.abs(want[j]!)));
          }
          tf.dispose([diff, exact]);
        });
      }
    });
  }
});

describeBackends('kl gradients', () => {
  // Central differences in float32 with step h = 1e-2: truncation O(h² f''') ≲ 1e-4 here and
  // rounding ≲ 2⁻²³ · |f| / h ≈ 1e-4 for |f| ≲ 10, so atol 1e-3 + rtol 1e-3.
  const fd = { atol: 1e-3, rtol: 1e-3 };

  it('Normal–Normal matches finite differences in all four parameters', () => {
    const values = {
      pLoc: tf.tensor1d([0.3, -1, 2]),
      pScale: tf.tensor1d([0.8, 2, 0.5]),
      qLoc: tf.tensor1d([1, 0.5, 2]),
      qScale: tf.tensor1d([1.5, 0.7, 0.9]),
    };
    for (const name of Object.keys(values) as (keyof typeof values)[]) {
      const f = (x: tf.Tensor): tf.Scalar => {
        const v = { ...values, [name]: x };
        const p = new Normal({ loc: v.pLoc, scale: v.pScale, validateArgs: false });
        const q = new Normal({ loc: v.qLoc, scale: v.qScale, validateArgs: false });
        return tf.sum(kl(p, q));
      };
      const analytic = tf.grad(f)(values[name]);
      const numeric = numericalGradient(f, values[name], 1e-2);
      expectClose(analytic, numeric, { ...fd, message: name });
      tf.dispose([analytic, numeric]);
    }
    tf.dispose(Object.values(values));
  });

  it('MultivariateNormal–MultivariateNormal matches finite differences (batched, 3-D)', () => {
    const lower = tf.linalg.bandPart(tf.ones([3, 3]), -1, 0);
    const values = {
      pLoc: tf.tensor2d([
        [0.2, -0.5, 1],
        [1, 0, -1],
      ]),
      pTril: tf.tensor3d([
        [
          [1.2, 0, 0],
          [0.3, 0.9, 0],
          [-0.4, 0.2, 1.5],
        ],
        [
          [0.7, 0, 0],
          [0, 1.1, 0],
          [0.5, -0.6, 0.8],
        ],
      ]),
      qLoc: tf.tensor1d([0.5, 0.5, 0]),
      qTril: tf.tensor2d([
        [1.5, 0, 0],
        [-0.2, 1, 0],
        [0.1, 0.4, 0.6],
      ]),
    };
    for (const name of Object.keys(values) as (keyof typeof values)[]) {
      const f = (x: tf.Tensor): tf.Scalar => {
        const v = { ...values, [name]: x };
        const p = new MultivariateNormal({
          loc: v.pLoc,
          scaleTril: tf.mul(v.pTril, lower),
          validateArgs: false,
        });
        const q = new MultivariateNormal({
          loc: v.qLoc,
          scaleTril: tf.mul(v.qTril, lower),
          validateArgs: false,
        });
        return tf.sum(kl(p, q));
      };
      const analytic = tf.grad(f)(values[name]);
      const numeric = numericalGradient(f, values[name], 1e-2);
      expectClose(analytic, numeric, { ...fd, message: name });
      tf.dispose([analytic, numeric]);
    }
    tf.dispose([lower, ...Object.values(values)]);
  });

  it('flow into every parameter of every pair, finite, for the finite fixture cases', () => {
    for (const [pair, cases] of Object.entries(fixtures)) {
      for (const c of cases.filter((k) => flat(k.kl).every(Number.isFinite))) {
        // Parameters as leaf tensors, the distributions built inside the tape from them.
        const leaves: tf.Tensor[] = [];
        const p = withLeaves(c.p, leaves);
        const q = withLeaves(c.q, leaves);
        const { value, grads } = tf
          .engine()
          .gradients(
            () => tf.sum(withCase({ ...c, p, q }, (dp, dq) => kl(dp, dq))) as tf.Scalar,
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

describeBackends('kl at probabilities 0 and 1', () => {
  it('Bernoulli: the limits, never NaN, with finite gradients where KL is finite', () => {
    const pp = tf.tensor1d([0, 1, 0, 1, 0.5, 0, 1]);
    const qp = tf.tensor1d([0.3, 0.3, 0, 1, 0, 1, 0]);
    const out = kl(new Bernoulli({ probs: pp }), new Bernoulli({ probs: qp }));
    const inf = Number.POSITIVE_INFINITY;
    expectClose(out, [-Math.log(0.7), -Math.log(0.3), 0, 0, inf, inf, inf], { atol: 1e-6 });
    // d/dq KL(Bern(p) ‖ Bern(q)) = (q − p)/(q(1 − q)): 1/(1 − q) at p = 0, −1/q at p = 1. (In
    // p the derivative at 0 and 1 is infinite: log p has no finite slope there.)
    const edge = new Bernoulli({ probs: [0, 1, 0.2] });
    const q = tf.tensor1d([0.3, 0.4, 0.6]);
    const g = tf.grad((b: tf.Tensor) => tf.sum(kl(edge, new Bernoulli({ probs: b }))))(q);
    expectClose(g, [1 / 0.7, -1 / 0.4, 0.4 / 0.24], { atol: 1e-5, rtol: 1e-5 });
    edge.dispose();
    // Unlike torch, a finite logit whose probability rounds to 1 in float32 is not a 1:
    // KL = p(ℓp − ℓq) + softplus(ℓq) − softplus(ℓp) = −50 + 100 − log 2.
    const saturated = kl(new Bernoulli({ logits: 0 }), new Bernoulli({ logits: 100 }));
    expectClose(saturated, 50 - Math.LN2, { atol: 1e-5, rtol: 1e-6 });
    saturated.dispose();
    tf.dispose([pp, qp, out, q, g]);
  });

  it('Categorical: zero entries give 0·log 0 = 0 or +∞, never NaN, and finite gradients', () => {
    const p = new Categorical({
      probs: [
        [0, 0.4, 0.6],
        [0.5, 0.5, 0],
        [0.5, 0.5, 0],
      ],
    });
    const q = new Categorical({
      probs: [
        [0.2, 0.3, 0.5],
        [0.25, 0.75, 0],
        [0.5, 0, 0.5],
      ],
    });
    const out = kl(p, q);
    const first = 0.4 * Math.log(0.4 / 0.3) + 0.6 * Math.log(0.6 / 0.5);
    const second = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
    expectClose(out, [first, second, Number.POSITIVE_INFINITY], { atol: 1e-6 });
    // A finite logit is a positive probability even where its exp underflows in float32.
    const underflow = kl(
      new Categorical({ probs: [0.5, 0.5] }),
      new Categorical({ logits: [-200, 0] }),
    );
    expectClose(underflow, 100 - Math.LN2, { atol: 1e-5, rtol: 1e-6 });
    underflow.dispose();
    const logits = tf.tensor1d([1, -0.5, 2]);
    const g = tf.grad((l: tf.Tensor) =>
      tf.sum(kl(new Categorical({ probs: [0, 0.3, 0.7] }), new Categorical({ logits: l }))),
    )(logits);
    for (const v of g.dataSync()) expect(Number.isFinite(v)).toBe(true);
    tf.dispose([out, logits, g]);
    p.dispose();
    q.dispose();
  });
});

describe('registry', () => {
  describeBackends('dispatch', () => {
    it('a custom pair for a subclass takes precedence over the built-in pair', () => {
      class WideNormal extends Normal {}
      const p = new WideNormal({ loc: [0, 1], scale: 1 });
      const q = new Normal({ loc: 0, scale: 2 });
      const before = kl(p, q); // resolved (and cached) to Normal–Normal first
      expectClose(before, [
        0.5 * (0.25 - 1 - Math.log(0.25)),
        0.5 * (0.25 + 0.25 - 1 - Math.log(0.25)),
      ]);
      expect(hasKl(WideNormal, Normal)).toBe(true);
      registerKl(WideNormal, Normal, () => tf.scalar(42));
      const custom = kl(p, q);
      expect(custom.shape).toEqual([2]); // a scalar result is broadcast to the batch shape
      expectClose(custom, [42, 42]);
      // (WideNormal, Normal) is more specific in p than (Normal, Normal) for (wide, wide)...
      const both = kl(p, p);
      expectClose(both, [42, 42]);
      // ...and does not apply when p is a plain Normal.
      const reversed = kl(q, p);
      expectClose(reversed, [0.5 * (4 - 1 - Math.log(4)), 0.5 * (4 + 1 - 1 - Math.log(4))]);
      tf.dispose([before, custom, both, reversed]);
      p.dispose();
      q.dispose();
    });

    it('resolves ambiguous pairs in favour of the more specific class of p', () => {
      class A extends Normal {}
      registerKl(A, Normal, () => tf.scalar(1));
      registerKl(Normal, A, () => tf.scalar(2));
      const a = new A({ loc: 0, scale: 1 });
      const n = new Normal({ loc: 0, scale: 1 });
      const values = [kl(a, a), kl(a, n), kl(n, a)];
      expectClose(values[0]!, 1);
      expectClose(values[1]!, 1);
      expectClose(values[2]!, 2);
      tf.dispose(values);
      a.dispose();
      n.dispose();
    });

    it('a registration replaces the built-in closed form of the same pair', () => {
      const p = new Normal({ loc: 0, scale: 1 });
      const q = new Normal({ loc: 1, scale: 2 });
      try {
        registerKl(Normal, Normal, () => tf.scalar(-7));
        const replaced = kl(p, q);
        expectClose(replaced, -7);
        replaced.dispose();
      } finally {
        registerKl(Normal, Normal, klNormalNormal);
      }
      const restored = kl(p, q);
      expectClose(restored, 0.443147, { atol: 1e-6 });
      tf.dispose([restored]);
      p.dispose();
      q.dispose();
    });

    it('an unregistered pair throws NotImplementedError naming both classes', () => {
      // Exponential ‖ Laplace has no closed form here (nor in torch); kl-cross.test.ts
      // estimates it with kl's Monte Carlo options.
      const p = new Exponential({ rate: 1 });
      const q = new Laplace({ loc: 0, scale: 1 });
      expect(hasKl(p, q)).toBe(false);
      expect(hasKl(Exponential, Laplace)).toBe(false);
      expect(() => kl(p, q)).toThrow(NotImplementedError);
      expect(() => kl(p, q)).toThrow(
        /KL\(Exponential ‖ Laplace\).*registerKl\(Exponential, Laplace, fn\).*\{ samples, rng \}/,
      );
      p.dispose();
      q.dispose();
    });

    it('rejects bad arguments with typed errors', () => {
      const p = new Normal({ loc: [0, 1], scale: 1 });
      const q = new Normal({ loc: [0, 1, 2], scale: 1 });
      const mvn2 = new MultivariateNormal({
        loc: [0, 0],
        scaleTril: [
          [1, 0],
          [0, 1],
        ],
      });
      const mvn3 = new MultivariateNormal({
        loc: [0, 0, 0],
        scaleTril: [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
      });
      const c3 = new Categorical({ probs: [0.2, 0.3, 0.5] });
      const c2 = new Categorical({ probs: [0.5, 0.5] });
      const i1 = new Independent(new Normal({ loc: [[0, 1]], scale: 1 }), 1); // event [2]
      const i2 = new Independent(new Normal({ loc: [[0, 1]], scale: 1 }), 2); // event [1, 2]
      expect(() => kl(p, q)).toThrow(ShapeMismatchError);
      expect(() => kl(p, q)).toThrow(
        /batch shapes of p \(Normal, \[2\]\) and q \(Normal, \[3\]\) do not broadcast/,
      );
      expect(() => kl(mvn2, mvn3)).toThrow(ShapeMismatchError);
      expect(() => kl(c3, c2)).toThrow(ShapeMismatchError);
      expect(() => kl(i1, i2)).toThrow(
        /event shapes of p \(Independent, \[2\]\) and q \(Independent, \[1, 2\]\) differ/,
      );
      expect(() => kl(p, {} as never)).toThrow(InvalidArgumentError);
      expect(() => kl(p, {} as never)).toThrow(/kl: argument 'q' must be a Distribution/);
      expect(() => registerKl(Normal, Normal, 3 as never)).toThrow(InvalidArgumentError);
      expect(() => registerKl({} as never, Normal, klNormalNormal)).toThrow(
        /registerKl: argument 'P'/,
      );
      class Bad extends Normal {}
      registerKl(Bad, Bad, () => tf.zeros([5]));
      const bad = new Bad({ loc: [0, 1], scale: 1 });
      expect(() => kl(bad, bad)).toThrow(/returned shape \[5\].*batch shape \[2\]/);
      class NotATensor extends Normal {}
      registerKl(NotATensor, NotATensor, () => 0.5 as never);
      const nat = new NotATensor({ loc: 0, scale: 1 });
      expect(() => kl(nat, nat)).toThrow(/must return a tf.Tensor, got 0.5/);
      nat.dispose();
      for (const d of [p, q, mvn2, mvn3, c3, c2, i1, i2, bad]) d.dispose();
    });

    it('Independent pairs need equal reinterpretedBatchRank', () => {
      const base = () => new Normal({ loc: [[0, 1]], scale: 1 }); // batch [1, 2]
      const a = new Independent(base(), 2); // batch [], event [1, 2]
      const same = new Independent(base(), 2);
      // Also batch [] and event [1, 2], but as rank 1 of a rank-1 Independent.
      const b = new Independent(new Independent(base(), 1), 1);
      expect(b.eventShape).toEqual(a.eventShape);
      const zero = kl(a, same);
      expectClose(zero, 0);
      expect(() => kl(a, b)).toThrow(NotImplementedError);
      expect(() => kl(a, b)).toThrow(/reinterpretedBatchRank, got 2 and 1/);
      zero.dispose();
      for (const d of [a, same, b]) d.dispose();
    });
  });
});

describeBackends('kl memory', () => {
  for (const [pair, cases] of Object.entries(fixtures)) {
    it(`${pair} does not leak`, async () => {
      for (const c of cases) {
        await expectNoLeak(() => withCase(c, (p, q) => kl(p, q)), `${pair} ${c.name}`);
      }
    });
  }

  it('errors raised inside a registered function do not leak', async () => {
    class Throwing extends Normal {}
    registerKl(Throwing, Throwing, () => {
      tf.ones([3]);
      throw new RangeError('boom');
    });
    const d = new Throwing({ loc: 0, scale: 1 });
    await expectNoLeak(() => {
      expect(() => kl(d, d)).toThrow(RangeError);
    });
    d.dispose();
  });
});
