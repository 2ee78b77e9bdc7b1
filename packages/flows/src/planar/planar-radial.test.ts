import { describeBackends, expectClose, numericalGradient } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { standardNormalLogProb } from '../../test/support.js';
import { Planar } from './planar.js';
import { Radial } from './radial.js';

/** Replaces the weights of `b` (by short name) with the given values. */
function setShort(b: Planar | Radial, values: Record<string, number[]>): void {
  const weights = Object.fromEntries(
    Object.keys(b.namedWeights()).map((name) => [
      name,
      tf.tensor(values[name.split('/').at(-1)!]!),
    ]),
  );
  b.setWeights(weights);
  tf.dispose(weights);
}

describeBackends('Planar and Radial', () => {
  it('Planar keeps wᵀû > −1 and inverts accurately when wᵀu is very negative or large', () => {
    const b = new Planar({ dim: 2 });
    for (const [sign, tol] of [
      [-1, 2e-3],
      [1, 2e-5],
    ] as const) {
      setShort(b, { u: [4 * sign, 6 * sign], w: [1, 1.5], b: [0.3] });
      const c = tf.tidy(() => tf.sum(tf.mul(b.uHat(), b.w)));
      // wᵀû = m(wᵀu) = −1 + softplus(±13): −1 + 2.26e-6, or 12.
      expectClose(c, -1 + Math.log1p(Math.exp(13 * sign)), { atol: 1e-5, rtol: 1e-6 });
      const x = tf.tensor2d([
        [0.2, -0.1],
        [3, 2],
        [-5, 1],
        [0.01, -0.2],
      ]);
      const { y, logDet } = b.forwardAndLogDet(x);
      expect(Array.from(logDet.dataSync()).every(Number.isFinite)).toBe(true);
      // Near wᵀû = −1 the map is almost singular at wᵀx + b = 0 (slope 2e-6): float32 rounding of
      // y moves x by ~1e-4 there. With wᵀû = 12 the inverse is well conditioned.
      expectClose(b.inverse(y), x, { atol: tol, rtol: 0 });
      tf.dispose([c, x, y, logDet]);
    }
    b.dispose();
  });

  const layers = { Planar: () => new Planar({ dim: 3 }), Radial: () => new Radial({ dim: 3 }) };
  for (const [kind, make] of Object.entries(layers)) {
    it(`${kind}: gradients of log p through the inverse match finite differences`, () => {
      const b = make();
      const values =
        b instanceof Planar
          ? { u: [0.9, -0.4, 0.7], w: [1.2, 0.5, -0.8], b: [0.2] }
          : { center: [0.3, -0.2, 0.1], alphaRaw: [-0.5], betaRaw: [1.1] };
      setShort(b, values);
      const y = tf.tensor2d([
        [0.5, -1, 0.3],
        [-0.7, 0.2, 1.4],
        [1.5, 0.8, -0.6],
      ]);
      const nll = () => {
        const { x, logDet } = b.inverseAndLogDet(y);
        return tf.neg(tf.sum(tf.add(standardNormalLogProb(x), logDet))) as tf.Scalar;
      };
      const { value, grads } = tf.variableGrads(nll, b.trainableVariables);
      for (const [name, variable] of Object.entries(b.namedWeights())) {
        const original = tf.clone(variable);
        const numeric = numericalGradient(
          (w) => {
            variable.assign(w);
            return nll();
          },
          original,
          1e-2,
        );
        variable.assign(original);
        // Central differences with step 1e-2 on an O(10) loss: error ≈ 1e-3 (rounding, curvature).
        expectClose(grads[variable.name]!, numeric, { atol: 5e-3, rtol: 5e-3, message: name });
        tf.dispose([original, numeric]);
      }
      tf.dispose([value, y, grads]);
      b.dispose();
    });
  }

  it('Radial stays finite and invertible as β → −α, near and far from x₀', () => {
    const b = new Radial({ dim: 2 });
    setShort(b, { center: [1, -1], alphaRaw: [0.5], betaRaw: [-30] });
    const { alpha, beta } = b.alphaBeta();
    // β = −α + softplus(−30) rounds to −α in float32; the map is computed through α + β instead.
    const sum = tf.add(alpha, beta);
    expectClose(sum, 0, { atol: 1e-7, rtol: 0 });
    const x = tf.tensor2d([
      [1.001, -1],
      [1, -1.2],
      [4, 3],
      [-50, 20],
    ]);
    const { y, logDet } = b.forwardAndLogDet(x);
    expect(Array.from(logDet.dataSync()).every(Number.isFinite)).toBe(true);
    expectClose(b.inverse(y), x, { atol: 2e-4, rtol: 1e-4 });
    // 1 + βh at r = 0.001 is (r + γ)/(α + r) ≈ 0.001/0.975: finite, as the log-det shows.
    expect(logDet.dataSync()[0]!).toBeLessThan(-6);
    tf.dispose([alpha, beta, sum, x, y, logDet]);
    b.dispose();
  });
});
