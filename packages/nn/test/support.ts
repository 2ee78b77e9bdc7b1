import { type Network, Rng } from '@gen/core';
import { expectClose, numericalGradient } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';

// Shared by the layer tests (not part of the published package).

/** A network whose weights can be listed by name (a Module, a LayersNetwork). */
export type NamedNetwork = Network & { namedWeights(): Record<string, tf.Variable> };

export interface GradientCheckOptions {
  /** Finite-difference step (float32: 1e-2 keeps rounding error near 1e-4 relative). */
  eps?: number;
  atol?: number;
  rtol?: number;
}

/**
 * Asserts that the gradients of L = Σ r ⊙ module(x), for fixed random weights r, with respect to
 * x and to every trainable variable agree with central finite differences.
 */
export function expectGradientsMatchFiniteDifferences(
  module: NamedNetwork,
  x: tf.Tensor,
  { eps = 1e-2, atol = 2e-3, rtol = 2e-3 }: GradientCheckOptions = {},
): void {
  const probe = tf.tidy(() => module.apply(x));
  const r = Rng.fromSeed(99).normal([...probe.shape]);
  probe.dispose();
  const loss = (input: tf.Tensor) =>
    tf.tidy(() => tf.sum(tf.mul(module.apply(input), r))) as tf.Scalar;

  const dx = tf.grad(loss)(x);
  const dxNumeric = numericalGradient(loss, x, eps);
  expectClose(dx, dxNumeric, { atol, rtol, message: 'd/dx' });
  tf.dispose([dx, dxNumeric]);

  const { value, grads } = tf.variableGrads(() => loss(x), [...module.trainableVariables]);
  value.dispose();
  const trainable = new Set(module.trainableVariables);
  for (const [name, variable] of Object.entries(module.namedWeights())) {
    if (!trainable.has(variable)) continue;
    const original = tf.clone(variable);
    const numeric = numericalGradient(
      (w) => {
        variable.assign(w);
        return loss(x);
      },
      original,
      eps,
    );
    variable.assign(original);
    original.dispose();
    const analytic = grads[variable.name];
    if (analytic === undefined) throw new Error(`no gradient for ${name}`);
    expectClose(analytic, numeric, { atol, rtol, message: `d/d ${name}` });
    numeric.dispose();
  }
  tf.dispose([grads, r]);
}

/** Values of a tensor as a plain array (awaits the backend). */
export async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}
