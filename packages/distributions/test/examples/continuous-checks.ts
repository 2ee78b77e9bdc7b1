import { Rng } from '@gen/core';
import { expectClose, numericalGradient } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { BaseDistribution } from '../../src/distribution.js';

/*
 * Test-only checks shared by the continuous families' own test files (the generic suites in
 * families.test.ts cover the fixtures, moments, support and leaks of every example).
 */

type Values = number | number[] | number[][] | number[][][];

/** Two-sided false-failure rate of 4 standard errors under the normal approximation: 6.3e-5. */
const SE_BOUND = 4;

function flat(value: Values): number[] {
  return Array.isArray(value) ? (value as Values[]).flatMap(flat) : [value];
}

export interface GradientTolerance {
  /** Central-difference step (default 1e-2: float32 rounding of Σ logProb ≈ 1e-6 over 2e-2). */
  eps?: number;
  atol?: number;
  rtol?: number;
}

/**
 * tf.grad of Σ logProb(x) with respect to each named parameter against central finite
 * differences of the same float32 computation (`numericalGradient`).
 */
export function expectLogProbGradients(
  build: (params: Record<string, tf.Tensor>) => BaseDistribution,
  params: Record<string, Values>,
  x: Values,
  tolerance: GradientTolerance = {},
): void {
  const { eps = 1e-2, atol = 1e-3, rtol = 1e-3 } = tolerance;
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, value] of Object.entries(params)) tensors[name] = tf.tensor(value as number[]);
  const points = tf.tensor(x as number[]);
  try {
    for (const name of Object.keys(tensors)) {
      const f = (v: tf.Tensor): tf.Scalar =>
        tf.tidy(() => {
          const d = build({ ...tensors, [name]: v });
          const out = tf.sum(d.logProb(points)) as tf.Scalar;
          d.dispose();
          return out;
        });
      const analytic = tf.grad(f)(tensors[name]!);
      const numeric = numericalGradient(f, tensors[name]!, eps);
      try {
        expectClose(analytic, numeric, { atol, rtol, message: `d logProb / d ${name}` });
      } finally {
        tf.dispose([analytic, numeric]);
      }
    }
  } finally {
    tf.dispose([...Object.values(tensors), points]);
  }
}

export interface PathwiseCheck {
  /** Builds the distribution from `n` stacked copies of the parameter under test. */
  build: (theta: tf.Tensor) => BaseDistribution;
  /** The parameter value (one copy). */
  theta: Values;
  /** Elementwise function whose expectation is differentiated. */
  f: (x: tf.Tensor) => tf.Tensor;
  /** Closed form of d/dθ E[f(x)], shaped like `theta`. */
  expected: Values;
  /**
   * Where the draw's derivative is known in closed form (inverse-CDF samplers, for which it is
   * −(∂F/∂θ)(x)/p(x)): the expected gradient of f at draw x, compared draw by draw (scalar θ).
   */
  perDraw?: (x: number) => number;
  /** Number of copies, i.e. of independent per-draw gradients (default 20000). */
  n?: number;
  seed: number;
}

/**
 * Monte Carlo check of rsample's pathwise gradient: `n` copies of θ each get one draw, so tf.grad
 * of Σ f(x) returns `n` independent per-draw gradients ∂f(x)/∂θ. Their mean must lie within 4
 * standard errors (their sample standard deviation / √n) of the closed form, per component;
 * the only slack beyond that is float32 rounding (1e-6 relative). With `perDraw`, each draw's
 * gradient must also match its closed form.
 */
export function expectPathwiseGradient(check: PathwiseCheck): void {
  const n = check.n ?? 20000;
  const rng = Rng.fromSeed(check.seed);
  const theta = tf.tensor(check.theta as number[]);
  const copies = tf.tidy(() => tf.tile(tf.expandDims(theta, 0), [n, ...theta.shape.map(() => 1)]));
  let draws: ArrayLike<number> = [];
  const grads = tf.grad((t: tf.Tensor) => {
    const d = check.build(t);
    const x = d.rsample(1, rng);
    draws = x.dataSync();
    const out = tf.sum(check.f(x));
    d.dispose();
    return out;
  })(copies);
  const data = grads.dataSync();
  tf.dispose([theta, copies, grads]);
  if (check.perDraw) {
    const perDraw = Array.from(draws, check.perDraw);
    // Float32 evaluation of two different formulas for the same derivative.
    expectClose(Array.from(data), perDraw, {
      atol: 1e-5,
      rtol: 1e-4,
      message: 'per-draw gradient',
    });
  }
  const expected = flat(check.expected);
  const size = expected.length;
  expect(data.length).toBe(n * size);
  for (let j = 0; j < size; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += data[i * size + j]!;
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (data[i * size + j]! - mean) ** 2;
    const se = Math.sqrt(ss / (n - 1) / n);
    const target = expected[j]!;
    expect(
      Math.abs(mean - target),
      `component ${j}: mean gradient ${mean}, expected ${target} ± ${SE_BOUND} × ${se}`,
    ).toBeLessThanOrEqual(SE_BOUND * se + 1e-6 * (1 + Math.abs(target)));
  }
}
