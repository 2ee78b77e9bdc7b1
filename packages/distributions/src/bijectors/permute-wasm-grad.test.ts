import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { it } from 'vitest';
import { Permute } from './permute.js';

describeBackends('Permute gradients', () => {
  it('flow through forward and inverse, including on wasm (no UnsortedSegmentSum there)', async () => {
    const p = new Permute([2, 0, 1]);
    const v = tf.variable(tf.tensor2d([[1, 2, 3]]));
    const w = tf.tensor2d([[10, 20, 30]]);
    await expectNoLeak(() => {
      const g = tf.variableGrads(() => tf.sum(tf.mul(w, p.forward(v))) as tf.Scalar, [v]);
      // y = [x2, x0, x1], so d/dx Σ w·y = [w1, w2, w0].
      expectClose(g.grads[v.name]!, [[20, 30, 10]]);
      const h = tf.variableGrads(() => tf.sum(tf.mul(w, p.inverse(v))) as tf.Scalar, [v]);
      // inverse: x = [y1, y2, y0], so d/dy Σ w·x = [w2, w0, w1].
      expectClose(h.grads[v.name]!, [[30, 10, 20]]);
      // Second order: G(u) = Σ (∂/∂u Σ w·forward(u)²)² = 4 Σ w'² u² with w' = [20, 30, 10],
      // so ∂G/∂u = 8 w'² u.
      const gg = tf.grad((u: tf.Tensor) =>
        tf.sum(tf.square(tf.grad((z: tf.Tensor) => tf.sum(tf.mul(w, tf.square(p.forward(z)))))(u))),
      )(v);
      expectClose(gg, [[3200, 14400, 2400]], { rtol: 1e-5 });
      return [g.value, h.value, ...Object.values(g.grads), ...Object.values(h.grads), gg];
    });
    v.dispose();
    w.dispose();
    p.dispose();
  });
});
