import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { softplus } from './numerics.js';
import { expectClose, expectNoLeak, numericalGradient } from './testing/assertions.js';
import { describeBackends } from './testing/backends.js';

const xs = [-2.5, -0.7, -0.1, 0.3, 1.2, 2.0];

/** d²/dx² of Σ f(x), elementwise, through tf.grad(tf.grad(...)). */
function secondDerivative(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): tf.Tensor {
  const df = tf.grad((v: tf.Tensor) => tf.sum(f(v)));
  return tf.grad((v: tf.Tensor) => tf.sum(df(v)))(x);
}

describeBackends('second derivatives (input-based gradients)', ({ tolerance }) => {
  const atol = 20 * tolerance;

  it('tanh″ = −2 tanh (1 − tanh²)', () => {
    tf.tidy(() => {
      const x = tf.tensor1d(xs);
      const t = tf.tanh(x);
      expectClose(secondDerivative(tf.tanh, x), tf.mul(-2, tf.mul(t, tf.sub(1, tf.square(t)))), {
        atol,
      });
    });
  });

  it('sigmoid″ = s (1 − s)(1 − 2s)', () => {
    tf.tidy(() => {
      const x = tf.tensor1d(xs);
      const s = tf.sigmoid(x);
      const expected = tf.mul(tf.mul(s, tf.sub(1, s)), tf.sub(1, tf.mul(2, s)));
      expectClose(secondDerivative(tf.sigmoid, x), expected, { atol });
    });
  });

  it('exp″ = exp, and softplus″ = s (1 − s) through @gen softplus', () => {
    tf.tidy(() => {
      const x = tf.tensor1d(xs);
      expectClose(secondDerivative(tf.exp, x), tf.exp(x), { atol, rtol: 1e-4 });
      const s = tf.sigmoid(x);
      expectClose(secondDerivative(softplus, x), tf.mul(s, tf.sub(1, s)), { atol });
    });
  });

  it('elu″ = exp(x) below 0 and 0 above', () => {
    tf.tidy(() => {
      const x = tf.tensor1d(xs);
      const expected = tf.where(tf.less(x, 0), tf.exp(x), tf.zerosLike(x));
      expectClose(secondDerivative(tf.elu, x), expected, { atol });
    });
  });

  it('softmax and log-softmax via logSumExp: gradient of a gradient matches finite differences', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([[0.2, -1.0, 0.5, 1.5]]);
      const w = tf.tensor2d([[1, -2, 0.5, 3]]);
      for (const op of [
        (v: tf.Tensor) => tf.softmax(v),
        (v: tf.Tensor) => tf.sub(v, tf.logSumExp(v, -1, true)),
      ]) {
        // h(x) = Σ (∂/∂x Σ w·op(x))², a gradient-penalty-shaped function of x.
        const h = (v: tf.Tensor) =>
          tf.sum(tf.square(tf.grad((u: tf.Tensor) => tf.sum(tf.mul(w, op(u))))(v))) as tf.Scalar;
        expectClose(tf.grad(h)(x), numericalGradient(h, x, 1e-2), { atol: 2e-3, rtol: 1e-2 });
      }
    });
  });

  it('pow: second derivatives in the base and in the exponent', () => {
    tf.tidy(() => {
      const a = tf.tensor1d([0.5, 1.5, 2.0]);
      const b = tf.tensor1d([2.0, 3.0, 0.5]);
      // ∂²/∂a² a^b = b (b − 1) a^(b−2); ∂²/∂b² a^b = a^b (ln a)².
      const daa = secondDerivative((v) => tf.pow(v, b), a);
      expectClose(daa, tf.mul(tf.mul(b, tf.sub(b, 1)), tf.pow(a, tf.sub(b, 2))), {
        atol,
        rtol: 1e-4,
      });
      const dbb = secondDerivative((v) => tf.pow(a, v), b);
      expectClose(dbb, tf.mul(tf.pow(a, b), tf.square(tf.log(a))), { atol, rtol: 1e-4 });
    });
  });

  it('a WGAN-GP style penalty through tanh has the analytic parameter gradient', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([-1.0, 0.3, 0.8]);
      const w = tf.scalar(0.7);
      // P(w) = Σ (∂/∂x tanh(w x))² = Σ w² (1 − t²)², t = tanh(w x).
      const penalty = (wv: tf.Tensor) =>
        tf.sum(
          tf.square(tf.grad((xv: tf.Tensor) => tf.sum(tf.tanh(tf.mul(wv, xv))))(x)),
        ) as tf.Scalar;
      const t = tf.tanh(tf.mul(w, x));
      const u = tf.sub(1, tf.square(t));
      // dP/dw = Σ 2 w u² + w² · 2u · (−2 t u x)
      const expected = tf.sum(
        tf.add(
          tf.mul(tf.mul(2, w), tf.square(u)),
          tf.mul(tf.square(w), tf.mul(tf.mul(2, u), tf.mul(-2, tf.mul(t, tf.mul(u, x))))),
        ),
      );
      expectClose(tf.grad(penalty)(w), expected, { atol });
    });
  });

  it('first-order gradients flow through tf.where(tf.greater(x, 0), …) (zero for the condition)', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([1.5, -2]);
      const leaky = (v: tf.Tensor) => tf.sum(tf.where(tf.greater(v, 0), v, tf.mul(v, 0.1)));
      expectClose(tf.grad(leaky)(x), [1, 0.1]);
      const masked = (v: tf.Tensor) =>
        tf.sum(tf.mul(v, tf.cast(tf.logicalAnd(tf.less(v, 2), tf.notEqual(v, 0)), 'float32')));
      expectClose(tf.grad(masked)(x), [1, 1]);
    });
  });

  it('tile and broadcastTo have gradients at rank 5 (tfjs stops at rank 4)', () => {
    tf.tidy(() => {
      const x = tf.tensor([1, 2, 3, 4, 5, 6], [1, 2, 1, 3, 1]);
      const w = tf.reshape(tf.range(0, 2 * 2 * 3 * 3 * 2), [2, 2, 3, 3, 2]);
      // Σ w · tile(x, reps) is linear in x, so central differences are exact up to rounding.
      const f = (v: tf.Tensor) => tf.sum(tf.mul(w, tf.tile(v, [2, 1, 3, 1, 2]))) as tf.Scalar;
      expectClose(tf.grad(f)(x), numericalGradient(f, x, 0.5), { atol: 1e-2, rtol: 1e-4 });
      const b = tf.grad((v: tf.Tensor) => tf.sum(tf.broadcastTo(v, [2, 2, 2, 2, 2])))(tf.scalar(1));
      expectClose(b, 32);
    });
  });

  it('second derivatives through broadcastTo of rank-4 tensors (a condition as image channels) have the analytic value', () => {
    tf.tidy(() => {
      // c [2, 1, 1, 3] broadcast over 5 × 5 pixels, weighted by w [2, 5, 5, 3]:
      // P(w) = Σ_{n,k} g²,  g_{nk} = ∂/∂c_{nk} Σ tanh(w · B(c)) = Σ_{h,w} w (1 − t²),  t = tanh(w c),
      // dP/dw = 2 g [(1 − t²) − 2 w c t (1 − t²)]  (computed below without a gradient or a tile).
      const c = tf.reshape(tf.linspace(-0.9, 1.1, 6), [2, 1, 1, 3]);
      const w = tf.reshape(tf.sin(tf.range(0, 150)), [2, 5, 5, 3]);
      const penalty = (wv: tf.Tensor) =>
        tf.sum(
          tf.square(
            tf.grad((cv: tf.Tensor) =>
              tf.sum(tf.tanh(tf.mul(wv, tf.broadcastTo(cv, [2, 5, 5, 3])))),
            )(c),
          ),
        ) as tf.Scalar;
      const t = tf.tanh(tf.mul(w, c));
      const u = tf.sub(1, tf.square(t));
      const g = tf.sum(tf.mul(w, u), [1, 2], true);
      const expected = tf.mul(
        tf.mul(2, g),
        tf.sub(u, tf.mul(tf.mul(2, tf.mul(w, c)), tf.mul(t, u))),
      );
      expectClose(tf.grad(penalty)(w), expected, { atol: 1e-4, rtol: 1e-4 });
    });
  });

  it('does not leak tensors', async () => {
    await expectNoLeak(() => tf.tidy(() => secondDerivative(tf.tanh, tf.tensor1d(xs))));
    const x = tf.tensor1d(xs);
    await expectNoLeak(() => secondDerivative(tf.tanh, x));
    x.dispose();
    expect(tf.getGradient(tf.Tanh)?.inputsToSave).toEqual(['x']);
  });
});
