import {
  type CostFunction,
  type Distribution,
  type GradientEstimator,
  NotImplementedError,
  Rng,
} from '@gen/core';
import { describeBackends } from '@gen/core/testing';
import {
  Bernoulli,
  Beta,
  Categorical,
  Exponential,
  Gamma,
  Laplace,
  MultivariateNormal,
  Normal,
  Poisson,
  Weibull,
} from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import {
  betaExpectation,
  bivariateNormalExpectation,
  centralDifference,
  continuousCost,
  discreteCost,
  exponentialExpectation,
  gammaExpectation,
  normalExpectation,
  poissonExpectation,
  weibullExpectation,
} from '../test/family-oracles.js';
import { moments } from '../test/moments.js';
import { measureValued } from './measure-valued.js';
import { pathwise } from './pathwise.js';
import { scoreFunction } from './score-function.js';

// Every family of the weak-derivative table against central differences of exact expectations
// (docs/references.md#weak-derivatives: f = sin x + 0.3x², g(k) = cos k + 0.1k). A batch of R identical entries gives
// R independent estimates per call; means must be within 4 standard errors (seeds fixed).
const R = 4000;
const S = 4;
const smooth: CostFunction = (x) => tf.add(tf.sin(x), tf.mul(0.3, tf.square(x)));
const discrete: CostFunction = (k) => tf.add(tf.cos(k), tf.mul(0.1, k));

type Nested = number | Nested[];

interface FamilyCase {
  params: Record<string, number | number[] | number[][]>;
  make: (p: Record<string, tf.Tensor>) => Distribution;
  cost: CostFunction;
  /** Per entry (row-major); null where the entry is not a free parameter (L's upper triangle). */
  exact: Record<string, number | (number | null)[]>;
  estimators: Record<string, GradientEstimator>;
  /** Independent estimates (default R): fewer where one costs many cost evaluations. */
  repeats?: number;
}

const lambda = 1.7 ** (-1 / 1.8); // Weibull scale of the paper's rate θ = 1.7, shape α = 1.8
const sfAndMvd = (params?: string[]) => ({
  'score function (leave-one-out)': scoreFunction({ baseline: 'leaveOneOut' }),
  'measure-valued, coupled': measureValued(params ? { params } : {}),
  'measure-valued, independent': measureValued(
    params ? { coupling: false, params } : { coupling: false },
  ),
});
const mvnLoc = [0.4, -0.3];
const mvnL: [number, number, number] = [1.1, 0.5, 0.8]; // lower triangle L₀₀, L₁₀, L₁₁
const catProbs = [0.2, 0.5, 0.3];
const catLogits = [0.5, -1, 1.2];
const softmax = (l: number[]) => l.map((v) => Math.exp(v) / l.reduce((s, u) => s + Math.exp(u), 0));
const catMean = (p: number[]) => p.reduce((s, q, k) => s + q * discreteCost(k), 0);

const cases: Record<string, FamilyCase> = {
  'Normal(0.4, 1.3)': {
    params: { loc: 0.4, scale: 1.3 },
    make: (p) => new Normal({ loc: p.loc!, scale: p.scale!, validateArgs: false }),
    cost: smooth,
    exact: {
      loc: centralDifference((m) => normalExpectation(m, 1.3), 0.4),
      scale: centralDifference((s) => normalExpectation(0.4, s), 1.3),
    },
    estimators: { ...sfAndMvd(), pathwise: pathwise() },
  },
  'Exponential(1.7)': {
    params: { rate: 1.7 },
    make: (p) => new Exponential({ rate: p.rate!, validateArgs: false }),
    cost: smooth,
    exact: { rate: centralDifference(exponentialExpectation, 1.7) },
    estimators: { ...sfAndMvd(), pathwise: pathwise() },
  },
  'Gamma(2.5, 1.7)': {
    params: { concentration: 2.5, rate: 1.7 },
    make: (p) => new Gamma({ concentration: p.concentration!, rate: p.rate!, validateArgs: false }),
    cost: smooth,
    exact: {
      concentration: centralDifference((a) => gammaExpectation(a, 1.7), 2.5),
      rate: centralDifference((b) => gammaExpectation(2.5, b), 1.7),
    },
    estimators: { ...sfAndMvd(), pathwise: pathwise() },
    repeats: 300,
  },
  'Weibull(1.8, θ = 1.7)': {
    params: { shape: 1.8, scale: lambda },
    make: (p) => new Weibull({ shape: p.shape!, scale: p.scale!, validateArgs: false }),
    cost: smooth,
    exact: {
      shape: centralDifference((k) => weibullExpectation(k, lambda), 1.8, 1e-4),
      scale: centralDifference((l) => weibullExpectation(1.8, l), lambda, 1e-4),
    },
    estimators: { ...sfAndMvd(), pathwise: pathwise() },
  },
  'Gamma(0.4, 1), small concentration': {
    params: { concentration: 0.4 },
    make: (p) => new Gamma({ concentration: p.concentration!, rate: 1, validateArgs: false }),
    cost: smooth,
    exact: { concentration: centralDifference((a) => gammaExpectation(a, 1), 0.4) },
    estimators: { 'measure-valued, coupled': measureValued() },
    repeats: 400,
  },
  'Weibull(0.7, 1.2), shape below 1': {
    params: { shape: 0.7 },
    make: (p) => new Weibull({ shape: p.shape!, scale: 1.2, validateArgs: false }),
    cost: smooth,
    exact: { shape: centralDifference((k) => weibullExpectation(k, 1.2), 0.7, 1e-4) },
    estimators: { 'measure-valued, coupled': measureValued() },
  },
  'Beta(1.5, 2.5)': {
    params: { a: 1.5, b: 2.5 },
    make: (p) => new Beta({ a: p.a!, b: p.b!, validateArgs: false }),
    cost: smooth,
    exact: {
      a: centralDifference((a) => betaExpectation(a, 2.5), 1.5),
      b: centralDifference((b) => betaExpectation(1.5, b), 2.5),
    },
    estimators: { ...sfAndMvd(), pathwise: pathwise() },
    repeats: 250,
  },
  'MultivariateNormal(full covariance)': {
    params: {
      loc: mvnLoc,
      scaleTril: [
        [mvnL[0], 0],
        [mvnL[1], mvnL[2]],
      ],
    },
    make: (p) =>
      new MultivariateNormal({ loc: p.loc!, scaleTril: p.scaleTril!, validateArgs: false }),
    cost: (x) => {
      const [x0, x1] = tf.unstack(x, -1);
      return tf.add(tf.sum(smooth(x), -1), tf.mul(0.2, tf.mul(x0!, x1!)));
    },
    exact: {
      loc: [0, 1].map((i) =>
        centralDifference(
          (v) =>
            bivariateNormalExpectation(
              mvnLoc.map((m, j) => (j === i ? v : m)),
              mvnL,
            ),
          mvnLoc[i]!,
        ),
      ),
      scaleTril: [0, null, 1, 2].map((e) =>
        e === null
          ? null
          : centralDifference(
              (v) =>
                bivariateNormalExpectation(
                  mvnLoc,
                  mvnL.map((m, j) => (j === e ? v : m)) as [number, number, number],
                ),
              mvnL[e]!,
            ),
      ),
    },
    estimators: { ...sfAndMvd(), pathwise: pathwise() },
  },
  'Poisson(1.7)': {
    params: { rate: 1.7 },
    make: (p) => new Poisson({ rate: p.rate!, validateArgs: false }),
    cost: discrete,
    exact: { rate: centralDifference(poissonExpectation, 1.7) },
    estimators: sfAndMvd(),
  },
  'Bernoulli(logits 0.3)': {
    params: { logits: 0.3 },
    make: (p) => new Bernoulli({ logits: p.logits!, validateArgs: false }),
    cost: discrete,
    exact: {
      logits: centralDifference((l) => {
        const q = 1 / (1 + Math.exp(-l));
        return q * discreteCost(1) + (1 - q) * discreteCost(0);
      }, 0.3),
    },
    estimators: sfAndMvd(),
  },
  'Bernoulli(probs 0.3)': {
    params: { probs: 0.3 },
    make: (p) => new Bernoulli({ probs: p.probs!, validateArgs: false }),
    cost: discrete,
    exact: { probs: discreteCost(1) - discreteCost(0) },
    estimators: sfAndMvd(),
  },
  'Categorical(logits)': {
    params: { logits: catLogits },
    make: (p) => new Categorical({ logits: p.logits!, validateArgs: false }),
    cost: discrete,
    exact: {
      logits: catLogits.map((_, j) =>
        centralDifference(
          (v) => catMean(softmax(catLogits.map((u, i) => (i === j ? v : u)))),
          catLogits[j]!,
        ),
      ),
    },
    estimators: sfAndMvd(),
  },
  'Categorical(probs, unnormalised)': {
    params: { probs: catProbs.map((p) => 2 * p) },
    make: (p) => new Categorical({ probs: p.probs!, validateArgs: false }),
    cost: discrete,
    exact: {
      probs: catProbs.map((_, j) =>
        centralDifference((v) => {
          const t = catProbs.map((u, i) => (i === j ? v : 2 * u));
          const total = t.reduce((s, u) => s + u, 0);
          return catMean(t.map((u) => u / total));
        }, 2 * catProbs[j]!),
      ),
    },
    estimators: sfAndMvd(),
  },
};

/**
 * R estimates of each parameter entry: name → entry → values. Parameters an estimator leaves
 * out (measure-valued with `params`) get no gradient path, so they are passed as constants.
 */
function estimates(
  c: FamilyCase,
  estimator: GradientEstimator,
  seed: number,
): Record<string, Float32Array[]> {
  const all = Object.keys(c.params);
  const only = (estimator as { params?: readonly string[] }).params;
  const names = all.filter((n) => only === undefined || only.includes(n));
  const tensors = Object.fromEntries(
    all.map((n) => {
      const v = c.params[n]! as Nested;
      const t = tf.tensor([v] as number[][]);
      return [n, tf.tile(t, [c.repeats ?? R, ...t.shape.slice(1).map(() => 1)])];
    }),
  );
  const rng = Rng.fromSeed(seed);
  const grads = tf.grads((...ps) => {
    const given = { ...tensors, ...Object.fromEntries(names.map((n, i) => [n, ps[i]!])) };
    return estimator.surrogate(c.make(given), c.cost, { samples: S, rng }).loss;
  })(names.map((n) => tensors[n]!));
  const out: Record<string, Float32Array[]> = {};
  names.forEach((n, i) => {
    const g = grads[i]!.rank > 2 ? tf.reshape(grads[i]!, [c.repeats ?? R, -1]) : grads[i]!;
    const columns = g.rank === 1 ? [g] : tf.unstack(g, 1);
    out[n] = columns.map((t) => t.dataSync() as Float32Array);
    tf.dispose(columns);
  });
  tf.dispose([...grads, ...Object.values(tensors)]);
  return out;
}

// Measured variance, times S, of the S-sample estimates (one draw's variance for a mean of S), per
// family, estimator and parameter entry: printed beside the exact variances of variance.test.ts.
const variances: string[] = [];

describeBackends('families against finite differences of exact expectations', () => {
  afterAll(() => {
    if (variances.length > 0) {
      console.log(`family | estimator | entry | single-sample variance\n${variances.join('\n')}`);
    }
    variances.length = 0;
  });

  it('the oracles reproduce the table of docs/references.md#weak-derivatives (to 1e-6)', () => {
    expect(cases['Exponential(1.7)']!.exact.rate).toBeCloseTo(-0.36915, 5);
    expect(cases['Gamma(2.5, 1.7)']!.exact.rate).toBeCloseTo(-0.921416, 5);
    expect(cases['Poisson(1.7)']!.exact.rate).toBeCloseTo(-0.310802, 5);
    expect(cases['Normal(0.4, 1.3)']!.exact.loc).toBeCloseTo(0.635649, 5);
    expect(cases['Normal(0.4, 1.3)']!.exact.scale).toBeCloseTo(0.562539, 5);
    // Weibull: ∂/∂θ = −0.242450 in the table's rate θ = λ^{−α}, so ∂/∂λ = ∂/∂θ · (−α λ^{−α−1}).
    const viaRate = -0.24245 * (-1.8 * lambda ** -2.8);
    expect(cases['Weibull(1.8, θ = 1.7)']!.exact.scale as number).toBeCloseTo(viaRate, 5);
    expect(continuousCost(0)).toBe(0);
  });

  Object.entries(cases).forEach(([family, c], f) => {
    it(`${family}: ${Object.keys(c.estimators).join(', ')}`, () => {
      Object.entries(c.estimators).forEach(([label, estimator], e) => {
        const got = estimates(c, estimator, 10 * f + e + 1);
        for (const [name, values] of Object.entries(got)) {
          const exact = c.exact[name];
          const entries = Array.isArray(exact) ? exact : [exact!];
          values.forEach((v, j) => {
            if (entries[j] === null) return;
            const { mean, se, variance } = moments(v);
            variances.push(
              `${family} | ${label} | ∂${name}[${j}] | ${(variance * S).toPrecision(4)}`,
            );
            const msg = `${family} ${label} ∂${name}[${j}]: ${mean} vs ${entries[j]} (se ${se})`;
            expect(Math.abs(mean - entries[j]!), msg).toBeLessThanOrEqual(4 * se + 1e-5);
          });
        }
      });
    });
  });

  it('Bernoulli measure-valued gradients are exact: p(1 − p)(g(1) − g(0)), no noise', () => {
    const got = estimates(cases['Bernoulli(logits 0.3)']!, measureValued(), 7).logits![0]!;
    const { mean, variance } = moments(got);
    expect(mean).toBeCloseTo(cases['Bernoulli(logits 0.3)']!.exact.logits as number, 5);
    expect(variance).toBeLessThan(1e-12);
  });

  it('parameters without a weak derivative throw NotImplementedError naming family and parameter', () => {
    const d = new Laplace({ loc: 0, scale: 1 });
    const run = () => measureValued().surrogate(d, smooth, { samples: 2, rng: Rng.fromSeed(0) });
    expect(run).toThrow(NotImplementedError);
    expect(run).toThrow(/parameter 'loc' of Laplace \(registered: none\)/);
    d.dispose();
  });
});
