import { InvalidArgumentError, initBackend, Rng, ShapeMismatchError } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectLogProbGradients,
  expectPathwiseGradient,
} from '../test/examples/continuous-checks.js';
import { Dirichlet } from './dirichlet.js';
import { checkConstraint } from './validation.js';

const ALPHA = [0.5, 2, 3.5];
const A0 = 6;
// scipy.special.polygamma(1, ·) at α₁ = 0.5 and α₀ = 6.
const TRIGAMMA_A1 = 4.93480220054468;
const TRIGAMMA_A0 = 0.18132295573711532;

describe('Dirichlet', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  const build = (c: tf.Tensor) => new Dirichlet({ concentration: c, validateArgs: false });
  const first = (x: tf.Tensor) => tf.mul(x, tf.tensor1d([1, 0, 0]));

  it('rsample: d/dα E[x₁] = d/dα α₁/α₀ by Monte Carlo (implicit Gamma gradients)', () => {
    // d/dαⱼ (α₁/α₀) = (δ₁ⱼ α₀ − α₁)/α₀²
    const expected = ALPHA.map((_, j) => ((j === 0 ? A0 : 0) - ALPHA[0]!) / A0 ** 2);
    expectPathwiseGradient({ build, theta: ALPHA, f: first, expected, n: 4000, seed: 21 });
  });

  it('rsample: d/dα E[log x₁] = δ₁ⱼ ψ₁(α₁) − ψ₁(α₀) by Monte Carlo', () => {
    // E[log x₁] = ψ(α₁) − ψ(α₀)
    const expected = ALPHA.map((_, j) => (j === 0 ? TRIGAMMA_A1 : 0) - TRIGAMMA_A0);
    expectPathwiseGradient({
      build,
      theta: ALPHA,
      f: (x) => first(tf.log(x)),
      expected,
      n: 4000,
      seed: 22,
    });
  });

  it('logProb gradients match finite differences', () => {
    expectLogProbGradients(
      (p) => new Dirichlet({ concentration: p.concentration! }),
      {
        concentration: [
          [0.7, 3, 5],
          [2, 2, 9],
        ],
      },
      [
        [
          [0.2, 0.3, 0.5],
          [0.1, 0.2, 0.7],
        ],
        [
          [0.6, 0.3, 0.1],
          [0.3, 0.3, 0.4],
        ],
      ],
    );
  });

  it('mode follows torch where some α > 1, and is NaN where every α ≤ 1', () => {
    const d = new Dirichlet({
      concentration: [
        [2, 3, 5],
        [0.5, 1, 3],
        [1, 1, 1],
        [0.2, 0.9, 0.5],
      ],
    });
    const mode = d.mode();
    expectClose(
      mode,
      [
        [1 / 7, 2 / 7, 4 / 7],
        [0, 0, 1],
        [Number.NaN, Number.NaN, Number.NaN],
        [Number.NaN, Number.NaN, Number.NaN],
      ],
      { atol: 1e-6, equalNan: true },
    );
    mode.dispose();
    d.dispose();
  });

  it('draws lie on the simplex with finite logProb even for small concentrations', () => {
    const d = new Dirichlet({ concentration: [0.05, 0.1, 0.3] });
    const x = d.sample(2000, Rng.fromSeed(7));
    expect(() => checkConstraint('test', 'x', x, 'simplex')).not.toThrow();
    const lp = d.logProb(x);
    for (const v of lp.dataSync()) expect(Number.isFinite(v), `logProb ${v}`).toBe(true);
    tf.dispose([x, lp]);
    d.dispose();
  });

  it('rejects bad parameters and points off the simplex with typed errors naming the event', () => {
    expect(() => new Dirichlet({ concentration: [1, 0, 2] })).toThrow(
      /Dirichlet: argument 'concentration' must be > 0, got 0 at flat index 1/,
    );
    expect(() => new Dirichlet({ concentration: 2 })).toThrow(ShapeMismatchError);
    expect(
      () =>
        new Dirichlet({ concentration: [1, 2], rate: 1 } as unknown as { concentration: number[] }),
    ).toThrow(InvalidArgumentError);
    const d = new Dirichlet({
      concentration: [
        [1, 2, 3],
        [2, 2, 2],
      ],
    });
    const points = [
      [
        [0.2, 0.3, 0.5],
        [0.1, 0.1, 0.8],
      ],
      [
        [0.2, 0.3, 0.5],
        [0.5, 0.3, 0.3],
      ],
    ];
    expect(() => d.logProb(points)).toThrow(
      /Dirichlet.logProb: argument 'x' must be a probability vector .*got entries summing to 1.1\d* in event \[1, 1\]/,
    );
    expect(() => d.logProb([0.6, -0.1, 0.5])).toThrow(
      /Dirichlet.logProb: argument 'x' must be a probability vector .*got -0.1\d* at flat index 1 \(event \[\]\)/,
    );
    expect(() => d.logProb([0.5, 0.5])).toThrow(ShapeMismatchError);
    d.dispose();
  });

  it('the simplex constraint tolerates float32 rounding of 1e-4·K', () => {
    const ok = tf.tensor2d([
      [0.25, 0.25, 0.25, 0.25003],
      [1, 0, 0, 0],
    ]);
    expect(() => checkConstraint('test', 'x', ok, 'simplex')).not.toThrow();
    const bad = tf.tensor2d([[0.25, 0.25, 0.25, 0.2505]]);
    expect(() => checkConstraint('test', 'x', bad, 'simplex')).toThrow(/event \[0\]/);
    tf.dispose([ok, bad]);
  });

  it('does not leak through rsample gradients', async () => {
    const c = tf.tensor1d(ALPHA);
    await expectNoLeak(() =>
      tf.grad((t: tf.Tensor) => {
        const d = build(t);
        const out = tf.sum(first(d.rsample(5, Rng.fromSeed(4))));
        d.dispose();
        return out;
      })(c),
    );
    c.dispose();
  });
});
