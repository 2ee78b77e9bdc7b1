import { readFileSync } from 'node:fs';
import { expectClose, numericalGradient } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';

// Shared by the tests (not exported by the package).

/** Reads fixtures/<name>.json (written by fixtures/make_fixtures.py); "Infinity" → ∞. */
export function loadFixture<T>(name: string): T {
  const text = readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8');
  return JSON.parse(text, (_key, value) =>
    value === 'Infinity'
      ? Number.POSITIVE_INFINITY
      : value === '-Infinity'
        ? Number.NEGATIVE_INFINITY
        : value,
  ) as T;
}

/** A scalar read as a JS number. */
export function scalar(t: tf.Tensor): number {
  return t.dataSync()[0]!;
}

/**
 * Asserts that tf.grad of `f` at `x` agrees with central differences of step `eps` within
 * atol + rtol·|fd| elementwise, and returns nothing (disposes what it made).
 */
export function expectGradientMatches(
  f: (x: tf.Tensor) => tf.Scalar,
  x: tf.Tensor,
  {
    eps = 1e-2,
    atol = 1e-3,
    rtol = 1e-2,
    message = 'gradient',
  }: { eps?: number; atol?: number; rtol?: number; message?: string } = {},
): void {
  const analytic = tf.grad(f)(x);
  const numeric = numericalGradient(f, x, eps);
  try {
    expectClose(analytic, numeric, { atol, rtol, message });
  } finally {
    tf.dispose([analytic, numeric]);
  }
}
