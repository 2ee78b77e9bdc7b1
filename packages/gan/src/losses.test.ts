import { softplus } from '@gen/core';
import { describeBackends } from '@gen/core/testing';
import { fDivergenceNames } from '@gen/divergences';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { discriminatorObjective, GAN_LOSSES, type GanLoss, generatorObjective } from './losses.js';

const ALL: GanLoss[] = [...GAN_LOSSES, ...fDivergenceNames.map((fgan) => ({ fgan }))];
const label = (l: GanLoss) => (typeof l === 'string' ? l : `fgan:${l.fgan}`);
const scalar = (t: tf.Tensor) => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

describeBackends('every loss equals its formula on samples (float64 oracle)', ({ tolerance }) => {
  const a = [0.3, -1.2, 2.5, 0.05, -3];
  const b = [-0.4, 1.1, 4, -2.2];
  const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
  const sp = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  const relu = (x: number) => Math.max(x, 0);
  // (discriminator, generator) per loss, from the formulas of the README's table and, for f-GAN,
  // g_f and f*∘g_f of Nowozin et al. (2016), Table 2: kl g(v) = v, f*(g(v)) = e^{v−1};
  // reverse-kl g(v) = −e^{−v}, f*(g(v)) = v − 1.
  const oracle = (s: number): [GanLoss, number, number][] => [
    [
      'minimax',
      mean(a.map((l) => s * sp(-l) + (1 - s) * sp(l))) + mean(b.map(sp)),
      -mean(b.map(sp)),
    ],
    [
      'non-saturating',
      mean(a.map((l) => s * sp(-l) + (1 - s) * sp(l))) + mean(b.map(sp)),
      mean(b.map((l) => sp(-l))),
    ],
    ['wasserstein', mean(b) - mean(a), -mean(b)],
    ['wasserstein-gp', mean(b) - mean(a), -mean(b)],
    ['hinge', mean(a.map((l) => relu(1 - l))) + mean(b.map((l) => relu(1 + l))), -mean(b)],
    [
      'least-squares',
      0.5 * (mean(a.map((l) => (l - s) ** 2)) + mean(b.map((l) => l * l))),
      0.5 * mean(b.map((l) => (l - 1) ** 2)),
    ],
    [{ fgan: 'kl' }, -(mean(a) - mean(b.map((v) => Math.exp(v - 1)))), -mean(b)],
    [
      { fgan: 'reverse-kl' },
      -(mean(a.map((v) => -Math.exp(-v))) - mean(b.map((v) => v - 1))),
      mean(b.map((v) => Math.exp(-v))),
    ],
  ];
  const smoothable = new Set(['minimax', 'non-saturating', 'least-squares']);

  it.each([1, 0.9])('with real label s = %s', (s) => {
    for (const [loss, d, g] of oracle(s)) {
      if (s !== 1 && !(typeof loss === 'string' && smoothable.has(loss))) continue;
      const name = label(loss);
      const got = scalar(discriminatorObjective(loss, tf.tensor1d(a), tf.tensor1d(b), s));
      expect(Math.abs(got - d), name).toBeLessThanOrEqual(10 * tolerance * (1 + Math.abs(d)));
      const gen = scalar(generatorObjective(loss, tf.tensor1d(b)));
      expect(Math.abs(gen - g), name).toBeLessThanOrEqual(10 * tolerance * (1 + Math.abs(g)));
    }
  });
});

describeBackends('optimal discriminator (Goodfellow et al. 2014, Prop. 1) by quadrature', () => {
  // P = N(0, 1), Q = N(1.5, 0.8²) on a grid over [−12, 12]; V(D) = ∫ p log D + q log(1 − D)
  // with D = σ(ℓ): log D = −softplus(−ℓ), log(1 − D) = −softplus(ℓ).
  const h = 0.001;
  const xs = Array.from({ length: 24001 }, (_, i) => -12 + i * h);
  const pdf = (x: number, m: number, s: number) =>
    Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
  const p = xs.map((x) => pdf(x, 0, 1));
  const q = xs.map((x) => pdf(x, 1.5, 0.8));
  const value = (logits: tf.Tensor) =>
    scalar(
      tf.tidy(() => {
        const pw = tf.tensor1d(p);
        const qw = tf.tensor1d(q);
        const pointwise = tf.add(
          tf.mul(pw, softplus(tf.neg(logits))),
          tf.mul(qw, softplus(logits)),
        );
        return tf.mul(-h, tf.sum(pointwise));
      }),
    );
  const jsd = xs.reduce((acc, _, i) => {
    const m = 0.5 * (p[i]! + q[i]!);
    const term = (a: number) => (a > 0 ? a * Math.log(a / m) : 0);
    return acc + 0.5 * h * (term(p[i]!) + term(q[i]!));
  }, 0);
  const optimal = xs.map((_, i) => Math.log(p[i]! / q[i]!));

  it('D* = p/(p+q) attains −2 log 2 + 2·JSD(P‖Q)', () => {
    const best = value(tf.tensor1d(optimal));
    expect(jsd).toBeGreaterThan(0.1);
    expect(Math.abs(best - (-2 * Math.log(2) + 2 * jsd))).toBeLessThan(2e-3);
  });

  it('every perturbation of D* lowers the value', () => {
    const best = value(tf.tensor1d(optimal));
    for (const [shift, scale] of [
      [0.3, 1],
      [-0.3, 1],
      [0, 1.2],
      [0, 0.8],
      [0.1, 0.9],
    ] as const) {
      const other = value(tf.tensor1d(optimal.map((l) => scale * l + shift)));
      expect(other).toBeLessThan(best - 1e-4);
    }
  });

  it("on samples, −discriminatorObjective('minimax') is the empirical V(D)", () => {
    const a = [0.3, -1.2, 2.5];
    const b = [-0.4, 1.1];
    const expected =
      a.reduce((s, l) => s + Math.log1p(Math.exp(-l)), 0) / 3 +
      b.reduce((s, l) => s + Math.log1p(Math.exp(l)), 0) / 2;
    const got = scalar(discriminatorObjective('minimax', tf.tensor1d(a), tf.tensor1d(b)));
    expect(got).toBeCloseTo(expected, 5);
  });
});

describeBackends('sign conventions', () => {
  it.each(ALL.map((l) => [label(l), l] as const))(
    '%s: a better-separating discriminator lowers discriminatorLoss',
    (_, loss) => {
      const losses = [0, 0.2, 0.4, 0.6].map((d) =>
        scalar(discriminatorObjective(loss, tf.fill([4], d), tf.fill([4], -d))),
      );
      for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThan(losses[i - 1]!);
    },
  );

  it.each(ALL.map((l) => [label(l), l] as const))(
    '%s: generatorLoss falls as D rates the fakes more real',
    (_, loss) => {
      const losses = [-1, -0.5, 0, 0.5].map((v) =>
        scalar(generatorObjective(loss, tf.fill([4], v))),
      );
      for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThan(losses[i - 1]!);
    },
  );

  it('values stay finite for extreme logits (no log σ underflow)', () => {
    for (const loss of ALL) {
      const big = tf.tensor1d([-80, 80]);
      const d = scalar(discriminatorObjective(loss, big, big));
      const g = scalar(generatorObjective(loss, big));
      if (typeof loss === 'string') {
        expect(Number.isFinite(d), label(loss)).toBe(true);
        expect(Number.isFinite(g), label(loss)).toBe(true);
      }
      big.dispose();
    }
  });

  it('one-sided label smoothing moves the optimum real logit to log(s/(1 − s))', () => {
    const s = 0.9;
    const at = (l: number) =>
      scalar(discriminatorObjective('minimax', tf.scalar(l), tf.scalar(-5), s));
    const opt = Math.log(s / (1 - s));
    expect(at(opt)).toBeLessThan(at(opt + 0.5));
    expect(at(opt)).toBeLessThan(at(opt - 0.5));
    expect(at(10)).toBeGreaterThan(at(opt));
  });
});
