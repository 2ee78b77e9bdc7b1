import { InvalidArgumentError, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak, plainNetwork } from '@gen/core/testing';
import { MadeNetwork } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import {
  curvedData,
  logAbsDet,
  maxAbsDiff,
  numericalJacobian,
  trainBriefly,
} from '../../test/support.js';
import { MaskedAutoregressive } from '../autoregressive/masked-autoregressive.js';
import { Flow } from '../flow/flow.js';
import { standardNormal } from '../flow/standard-normal.js';
import { AffineCoupling } from './affine-coupling.js';
import { RationalQuadraticSpline } from './rational-quadratic-spline.js';

/** Log-dets at `x` against log |det| of the central-difference Jacobian (see learned-bijectors). */
function expectLogDetMatchesJacobian(b: AffineCoupling | RationalQuadraticSpline, x: number[]) {
  const { y, logDet } = b.forwardAndLogDet(tf.tensor1d(x));
  expectClose(logDet, logAbsDet(numericalJacobian((v) => b.forward(v), x)), {
    atol: 2e-3,
    rtol: 0,
  });
  expectClose(b.inverse(y), x, { atol: 1e-4, rtol: 1e-4 });
  tf.dispose([y, logDet]);
}

describeBackends('flow layers with your own conditioner network', () => {
  it('AffineCoupling around a plain-object network: identity at first, trains, round-trips', () => {
    // parity 1 keeps coordinate 1 of 3: the network maps [n, 1] to 2 shifts and 2 log-scales.
    const net = plainNetwork({ inputSize: 1, outputSize: 4, seed: 0, zeroOutput: true });
    const layer = new AffineCoupling({ dim: 3, parity: 1, conditioner: net });
    expect(layer.conditioner).toBe(net);
    expect(layer.trainableVariables).toEqual(net.trainableVariables);
    const data = curvedData(256, 3, 4);
    expectClose(layer.forward(data), data, { atol: 0, rtol: 0 });

    trainBriefly(layer, data, 15);
    const probe = tf.tensor2d([[0.3, -0.8, 1.1]]);
    const moved = layer.forward(probe);
    expect(maxAbsDiff(moved, probe)).toBeGreaterThan(0.05);
    expectLogDetMatchesJacobian(layer, [0.3, -0.8, 1.1]);
    const x = tf.reshape(curvedData(6, 3, 9), [2, 3, 3]);
    const { y, logDet } = layer.forwardAndLogDet(x);
    expect(logDet.shape).toEqual([2, 3]);
    expectClose(layer.inverse(y), x, { atol: 1e-4, rtol: 1e-4 });

    // Weights by name, through the network's own getWeights/setWeights.
    const weights = layer.getWeights();
    expect(Object.keys(weights)).toEqual([
      'affineCoupling/w1',
      'affineCoupling/b1',
      'affineCoupling/w2',
      'affineCoupling/b2',
    ]);
    const copy = new AffineCoupling({
      dim: 3,
      parity: 1,
      conditioner: plainNetwork({ inputSize: 1, outputSize: 4, seed: 5, zeroOutput: true }),
    });
    copy.setWeights(weights);
    expectClose(copy.forward(x), y, { atol: 0, rtol: 0 });
    expect(() => copy.setWeights({ 'affineCoupling/w1': weights['affineCoupling/w1']! })).toThrow(
      "AffineCoupling.setWeights: argument 'weights' must hold exactly the weights of 'affineCoupling'; missing [affineCoupling/b1, affineCoupling/w2, affineCoupling/b2], unexpected []",
    );
    tf.dispose([data, probe, moved, x, y, logDet, weights]);
    layer.dispose();
    copy.dispose();
    // The layer owns the network it was given.
    expect(net.trainableVariables.every((v) => v.isDisposed)).toBe(true);
  });

  it('a flow of couplings with plain networks trains by maximum likelihood and saves by name', () => {
    const flow = new Flow({
      base: standardNormal(2),
      transforms: [0, 1, 0].map(
        (parity, i) =>
          new AffineCoupling({
            dim: 2,
            parity: parity as 0 | 1,
            conditioner: plainNetwork({ inputSize: 1, outputSize: 2, seed: i, zeroOutput: true }),
          }),
      ),
    });
    const data = curvedData(256, 2, 7);
    const before = flow.loss(data).dataSync()[0]!;
    const optimizer = tf.train.adam(0.03);
    for (let s = 0; s < 40; s++) {
      optimizer.minimize(() => flow.loss(data), true, flow.trainableVariables)?.dispose();
    }
    const after = flow.loss(data).dataSync()[0]!;
    expect(after).toBeLessThan(before - 0.2);
    expect(flow.trainableVariables).toHaveLength(12);
    const weights = flow.getWeights();
    expect(Object.keys(weights)).toContain('transforms/2/affineCoupling/w2');
    const other = new Flow({
      base: standardNormal(2),
      transforms: [0, 1, 0].map(
        (parity, i) =>
          new AffineCoupling({
            dim: 2,
            parity: parity as 0 | 1,
            conditioner: plainNetwork({
              inputSize: 1,
              outputSize: 2,
              seed: 9 + i,
              zeroOutput: true,
            }),
          }),
      ),
    });
    other.setWeights(weights);
    expectClose(other.logProb(data), flow.logProb(data), { atol: 0, rtol: 0 });
    tf.dispose([data, weights]);
    optimizer.dispose();
    flow.dispose();
    other.dispose();
  });

  it('RationalQuadraticSpline takes a plain network too (output m·(3K − 1))', () => {
    // dim 2, parity 0: 1 kept, 1 transformed; 4 bins → 11 spline parameters.
    const layer = new RationalQuadraticSpline({
      dim: 2,
      bins: 4,
      tailBound: 3,
      conditioner: plainNetwork({ inputSize: 1, outputSize: 11, seed: 2, zeroOutput: true }),
    });
    const data = curvedData(256, 2, 3);
    expectClose(layer.forward(data), data, { atol: 1e-5, rtol: 1e-5 });
    trainBriefly(layer, data, 15);
    expectLogDetMatchesJacobian(layer, [0.4, -0.6]);
    data.dispose();
    layer.dispose();
  });

  it('MaskedAutoregressive with a MadeNetwork of your own equals the built-in one', () => {
    const builtIn = new MaskedAutoregressive({ dim: 3, hiddenSizes: [8, 8], seed: 3 });
    const own = new MaskedAutoregressive({
      dim: 3,
      conditioner: new MadeNetwork({
        inputSize: 3,
        hiddenSizes: [8, 8],
        outputsPerInput: 2,
        zeroInitLast: true,
        seed: 3,
      }),
    });
    const data = curvedData(128, 3, 5);
    trainBriefly(builtIn, data, 10);
    const weights = builtIn.getWeights();
    expect(Object.keys(own.getWeights())).toEqual(Object.keys(weights));
    own.setWeights(weights);
    for (const direction of ['forward', 'inverse'] as const) {
      expectClose(own[direction](data), builtIn[direction](data), { atol: 0, rtol: 0 });
    }
    tf.dispose([data, weights]);
    builtIn.dispose();
    own.dispose();
  });

  it('refuses non-networks, conflicting options and wrong output sizes with typed errors', () => {
    expect(
      () => new AffineCoupling({ dim: 2, conditioner: { apply: (x: tf.Tensor) => x } as never }),
    ).toThrow(/^AffineCoupling: argument 'conditioner' must be a Network/);
    const net = plainNetwork({ inputSize: 1, outputSize: 2, seed: 0, zeroOutput: true });
    expect(() => new AffineCoupling({ dim: 2, conditioner: net, hiddenSizes: [8] })).toThrow(
      "AffineCoupling: give either 'conditioner' or 'hiddenSizes', not both ('hiddenSizes' configures the built-in network)",
    );
    expect(
      () => new MaskedAutoregressive({ dim: 2, conditioner: net, ordering: 'reverse' }),
    ).toThrow(InvalidArgumentError);
    net.dispose();
    // Kept coordinates 0 and 2 (parity 0), one transformed: the network must return [5, 2].
    const wrong = new AffineCoupling({
      dim: 3,
      conditioner: plainNetwork({ inputSize: 2, outputSize: 3, seed: 0, zeroOutput: true }),
    });
    const x = tf.zeros([5, 3]);
    expect(() => wrong.forward(x)).toThrow(ShapeMismatchError);
    expect(() => wrong.forward(x)).toThrow(
      'AffineCoupling: the conditioner must map [5, 2] to [5, 2], got [5, 3]',
    );
    x.dispose();
    wrong.dispose();
  });

  it('does not leak, and disposing the layer releases the network', async () => {
    const layer = new AffineCoupling({
      dim: 2,
      conditioner: plainNetwork({ inputSize: 1, outputSize: 2, seed: 1, zeroOutput: true }),
    });
    const data = curvedData(32, 2, 1);
    trainBriefly(layer, data, 1);
    await expectNoLeak(() => {
      const { y, logDet } = layer.forwardAndLogDet(data);
      return [y, logDet, layer.inverseAndLogDet(y), layer.getWeights()];
    });
    await expectNoLeak(() => trainBriefly(layer, data, 2));
    data.dispose();
    layer.dispose();
    await expectNoLeak(() =>
      new AffineCoupling({
        dim: 2,
        conditioner: plainNetwork({ inputSize: 1, outputSize: 2, seed: 2, zeroOutput: true }),
      }).dispose(),
    );
  });
});
