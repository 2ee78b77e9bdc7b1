import { initBackend, Rng, ShapeMismatchError } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { logAbsDet, numericalJacobian } from '../../test/support.js';
import { InvertibleConv1x1 } from './invertible-conv1x1.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** A 1×1 convolution with every weight but P drawn from N(0, 0.5²). */
function randomConv(seed: number): InvertibleConv1x1 {
  const conv = new InvertibleConv1x1({ dim: 3, permutation: 'random', seed });
  const rng = Rng.fromSeed(seed + 100);
  const weights = conv.getWeights();
  const fresh = Object.fromEntries(
    Object.entries(weights).map(([name, w]) => [
      name,
      name.endsWith('/permutation') ? tf.clone(w) : rng.normal([...w.shape], 0, 0.5),
    ]),
  );
  conv.setWeights(fresh);
  tf.dispose([Object.values(weights), Object.values(fresh)]);
  return conv;
}

describe('InvertibleConv1x1', () => {
  it('log-det per image equals the finite-difference Jacobian over all h·w·C values', () => {
    const conv = randomConv(1);
    const image = Rng.fromSeed(2).normal([2, 2, 3]);
    const flat = Array.from(image.dataSync());
    const { y, logDet } = conv.forwardAndLogDet(image);
    expect(logDet.shape).toEqual([]);
    const jac = numericalJacobian(
      (v) => tf.reshape(conv.forward(tf.reshape(v, [2, 2, 3])), [12]),
      flat,
    );
    expectClose(logDet, logAbsDet(jac), { atol: 2e-3, rtol: 0 });
    const back = conv.inverseAndLogDet(y);
    expectClose(back.x, image, { atol: 1e-4, rtol: 1e-4 });
    expectClose(back.logDet, -logDet.dataSync()[0]!, { atol: 1e-4, rtol: 0 });
    // Every pixel goes through the same channel matrix.
    const w = conv.matrix();
    const want = tf.matMul(tf.reshape(image, [4, 3]), w, false, true);
    expectClose(tf.reshape(y, [4, 3]), want, { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([image, y, logDet, back.x, back.logDet, w, want]);
    conv.dispose();
  });

  it('takes batches with leading axes, copies weights, and does not leak', async () => {
    const a = randomConv(3);
    const b = new InvertibleConv1x1({ dim: 3, seed: 9 });
    const weights = a.getWeights();
    b.setWeights(weights);
    const x = Rng.fromSeed(4).normal([2, 3, 4, 2, 3]);
    const { y, logDet } = a.forwardAndLogDet(x);
    expect(logDet.shape).toEqual([2, 3]);
    expectClose(b.forward(x), y, { atol: 0, rtol: 0 });
    expectClose(a.inverse(y), x, { atol: 1e-4, rtol: 1e-4 });
    await expectNoLeak(() => {
      const out = a.forwardAndLogDet(x);
      return [out.y, out.logDet, a.inverseAndLogDet(out.y)];
    });
    expect(() => a.forward(tf.zeros([4, 3]))).toThrow(ShapeMismatchError);
    expect(() => a.inverse(tf.zeros([2, 2, 4]))).toThrow(
      "InvertibleConv1x1.inverse: argument 'y' must have shape [..., h, w, 3], got [2, 2, 4]",
    );
    tf.dispose([Object.values(weights), x, y, logDet]);
    a.dispose();
    b.dispose();
  });
});
