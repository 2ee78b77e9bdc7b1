import { InvalidArgumentError, Rng, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { madeMasks } from './made-masks.js';
import { MadeNetwork } from './made-network.js';
import { MaskedDense } from './masked-dense.js';

/** J[o][k] = ∂out_o/∂x_k at x, all rows at once: row o of a tiled batch only feeds output o. */
function jacobian(f: (x: tf.Tensor) => tf.Tensor, x: number[], outputs: number): number[][] {
  return tf.tidy(() => {
    const tiled = tf.tile(tf.tensor2d([x]), [outputs, 1]);
    const eye = tf.eye(outputs);
    const flat = tf
      .grad((input) => tf.sum(tf.mul(f(input), eye)))(tiled)
      .dataSync();
    return Array.from({ length: outputs }, (_, o) =>
      Array.from(flat.slice(o * x.length, (o + 1) * x.length)),
    );
  });
}

/**
 * Output unit j·D + i may depend on input k only when k comes before i in `ordering`; with
 * hidden layers of width >= D − 1 and 'spread' degrees every such path exists, so then each
 * allowed entry is non-zero.
 */
function expectAutoregressive(J: number[][], ordering: readonly number[], allPaths: boolean) {
  const d = ordering.length;
  J.forEach((row, o) => {
    const i = o % d;
    row.forEach((entry, k) => {
      if (ordering[k]! >= ordering[i]!) expect(entry, `∂out${o}/∂x${k}`).toBe(0);
      else if (allPaths) expect(Math.abs(entry), `∂out${o}/∂x${k}`).toBeGreaterThan(0);
    });
  });
}

const x0 = [0.3, -0.7, 1.1, 0.4];

describeBackends('MadeNetwork', ({ tolerance }) => {
  it('equals a stack of MaskedDense layers with the same masks and weights', () => {
    const made = new MadeNetwork({
      inputSize: 4,
      hiddenSizes: [8, 6],
      outputsPerInput: 2,
      ordering: [2, 0, 3, 1],
      activation: 'tanh',
      seed: 3,
    });
    // The masks come from the first child split off the weight generator (the documented default).
    const { masks } = madeMasks({
      inputSize: 4,
      hiddenSizes: [8, 6],
      ordering: [2, 0, 3, 1],
      outputMultiplier: 2,
      rng: Rng.fromSeed(3).split(1)[0]!,
    });
    const layers = masks.map(
      (mask, l) =>
        new MaskedDense({
          inputSize: mask.length,
          outputSize: mask[0]!.length,
          mask,
          activation: l + 1 < masks.length ? 'tanh' : 'none',
          name: `masked${l}`,
        }),
    );
    layers.forEach((layer, l) => {
      const source = made.layers[l]!;
      layer.setWeights({
        [`masked${l}/kernel`]: source.kernel,
        [`masked${l}/bias`]: source.bias!,
      });
    });
    const x = Rng.fromSeed(1).normal([5, 4]);
    const expected = tf.tidy(() => layers.reduce((h: tf.Tensor, layer) => layer.apply(h), x));
    expectClose(made.apply(x), expected, { atol: tolerance, rtol: tolerance });
    expect(made.ordering).toEqual([2, 0, 3, 1]);
    tf.dispose([x, expected]);
    made.dispose();
    for (const layer of layers) layer.dispose();
  });

  it('is autoregressive in its ordering: output (j, i) depends exactly on the inputs before i', () => {
    for (const ordering of ['natural', [3, 1, 0, 2]] as const) {
      const made = new MadeNetwork({
        inputSize: 4,
        hiddenSizes: [12, 12],
        outputsPerInput: 3,
        ordering,
        activation: 'tanh',
        seed: 5,
      });
      const J = jacobian((v) => made.apply(v), x0, 12);
      expectAutoregressive(J, made.ordering, true);
      made.dispose();
    }
  });

  it('adds a masked linear map from inputs to outputs with directConnections', () => {
    const options = { inputSize: 4, hiddenSizes: [2], outputsPerInput: 2, ordering: [3, 1, 0, 2] };
    const hiddenOnly = new MadeNetwork({ ...options, seed: 7 });
    const made = new MadeNetwork({ ...options, directConnections: true, seed: 7 });
    expect(Object.keys(made.namedWeights())).toEqual([
      'made/masked0/kernel',
      'made/masked0/bias',
      'made/masked1/kernel',
      'made/masked1/bias',
      'made/direct/kernel',
    ]);
    // The direct map starts at zero and the hidden weights are those drawn without it.
    const x = tf.tensor2d([x0]);
    expectClose(made.apply(x), hiddenOnly.apply(x), { atol: 0, rtol: 0 });
    const V = tf.tensor2d(
      Array.from({ length: 32 }, (_, i) => ((i % 7) - 3) / 4),
      [4, 8],
    );
    made.direct!.kernel.assign(V);
    // Jacobian = the hidden path's + V ⊙ mask. Two hidden units cut many hidden paths; the
    // direct map gives every allowed entry its own weight, and none to a forbidden one.
    const J = jacobian((v) => made.apply(v), x0, 8);
    expectAutoregressive(J, made.ordering, true);
    const Jh = jacobian((v) => hiddenOnly.apply(v), x0, 8);
    const v = V.arraySync();
    J.forEach((row, o) => {
      row.forEach((entry, k) => {
        const allowed = made.ordering[k]! < made.ordering[o % 4]!;
        expectClose(entry, Jh[o]![k]! + (allowed ? v[k]![o]! : 0), {
          atol: tolerance,
          rtol: tolerance,
        });
      });
    });
    tf.dispose([V, x]);
    made.dispose();
    hiddenOnly.dispose();
  });

  it('serves a pool of mask sets with one set of weights, each autoregressive in its own order', () => {
    const made = new MadeNetwork({
      inputSize: 4,
      hiddenSizes: [16],
      ordering: 'random',
      numMasks: 3,
      seed: 2,
    });
    expect(made.orderings).toHaveLength(3);
    expect(new Set(made.orderings.map((o) => o.join())).size).toBeGreaterThan(1);
    for (let m = 0; m < 3; m++) {
      expectAutoregressive(
        jacobian((v) => made.apply(v, m), x0, 4),
        made.orderings[m]!,
        false,
      );
    }
    expect(made.trainableVariables).toHaveLength(4);
    made.dispose();
  });

  it('keeps leading axes, starts at zero with zeroInitLast and names its weights per layer', () => {
    const made = new MadeNetwork({ inputSize: 4, hiddenSizes: [8], outputsPerInput: 2, seed: 1 });
    const x = Rng.fromSeed(4).normal([2, 3, 4]);
    const y = made.apply(x);
    expect(y.shape).toEqual([2, 3, 8]);
    const flat = made.apply(tf.reshape(x, [6, 4]));
    expectClose(tf.reshape(y, [6, 8]), flat, { atol: 0, rtol: 0 });
    expect(Object.keys(made.namedWeights())).toEqual([
      'made/masked0/kernel',
      'made/masked0/bias',
      'made/masked1/kernel',
      'made/masked1/bias',
    ]);
    const zero = new MadeNetwork({
      inputSize: 4,
      hiddenSizes: [8],
      zeroInitLast: true,
      name: 'conditioner',
    });
    expectClose(zero.apply(x), tf.zeros([2, 3, 4]), { atol: 0, rtol: 0 });
    expect(Object.keys(zero.getWeights())[0]).toBe('conditioner/masked0/kernel');
    tf.dispose([x, y, flat]);
    made.dispose();
    zero.dispose();
  });

  it('draws the same weights and masks from the same seed', () => {
    const options = { inputSize: 3, hiddenSizes: [5], ordering: 'random' as const, seed: 9 };
    const a = new MadeNetwork(options);
    const b = new MadeNetwork(options);
    expect(b.orderings).toEqual(a.orderings);
    const x = Rng.fromSeed(0).normal([4, 3]);
    expectClose(b.apply(x), a.apply(x), { atol: 0, rtol: 0 });
    x.dispose();
    a.dispose();
    b.dispose();
  });

  it('rejects bad options and inputs with typed errors naming the argument', () => {
    expect(() => new MadeNetwork({ inputSize: 3, hiddenSizes: [4], outputs: 2 } as never)).toThrow(
      /unknown option 'outputs'/,
    );
    expect(() => new MadeNetwork({ inputSize: 0, hiddenSizes: [4] })).toThrow(
      "MadeNetwork: argument 'inputSize' must be an integer >= 1, got 0",
    );
    expect(() => new MadeNetwork({ inputSize: 2, hiddenSizes: [4], ordering: [0, 0] })).toThrow(
      /^MadeNetwork: madeMasks: argument 'ordering' must be 'natural', 'random' or a permutation/,
    );
    expect(
      () => new MadeNetwork({ inputSize: 2, hiddenSizes: [4], directConnections: 1 as never }),
    ).toThrow("MadeNetwork: argument 'directConnections' must be a boolean, got 1");
    expect(() => new MadeNetwork({ inputSize: 2, hiddenSizes: [4], maskRng: 3 as never })).toThrow(
      /argument 'maskRng' must be an Rng/,
    );
    const made = new MadeNetwork({ inputSize: 3, hiddenSizes: [4], numMasks: 2 });
    const wrong = tf.zeros([2, 4]);
    const x = tf.zeros([2, 3]);
    expect(() => made.apply(wrong)).toThrow(ShapeMismatchError);
    expect(() => made.apply(x, 2)).toThrow(
      "MadeNetwork.apply: argument 'mask' must be an integer in [0, 1], got 2",
    );
    made.dispose();
    expect(() => made.apply(x)).toThrow(InvalidArgumentError);
    tf.dispose([wrong, x]);
  });

  it('does not leak', async () => {
    const options = { inputSize: 3, hiddenSizes: [4], numMasks: 2, directConnections: true };
    await expectNoLeak(() => new MadeNetwork(options).dispose());
    const made = new MadeNetwork(options);
    const x = tf.ones([2, 3]);
    await expectNoLeak(() => [made.apply(x), made.apply(x, 1), made.getWeights()]);
    await expectNoLeak(() =>
      tf.variableGrads(() => tf.sum(made.apply(x, 1)) as tf.Scalar, [...made.trainableVariables]),
    );
    x.dispose();
    made.dispose();
  });
});
