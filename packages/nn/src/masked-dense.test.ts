import { InvalidArgumentError, Rng } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { expectGradientsMatchFiniteDifferences, values } from '../test/support.js';
import { type MadeMasksOptions, madeMasks } from './made-masks.js';
import { MaskedDense } from './masked-dense.js';

/** A MADE-style stack of MaskedDense layers (tanh between), with small random biases. */
function madeNetwork(options: MadeMasksOptions, seed: number) {
  const { masks } = madeMasks(options);
  const rngs = Rng.fromSeed(seed).split(masks.length);
  const layers = masks.map(
    (mask, l) =>
      new MaskedDense({
        inputSize: mask.length,
        outputSize: mask[0]!.length,
        mask,
        activation: l + 1 < masks.length ? 'tanh' : 'none',
        biasInitializer: (shape, _fan, rng) => rng.normal(shape, 0, 0.1),
        rng: rngs[l]!,
        name: `layer${l}`,
      }),
  );
  const apply = (x: tf.Tensor) => tf.tidy(() => layers.reduce((h, layer) => layer.apply(h), x));
  return {
    layers,
    apply,
    dispose: () => {
      for (const layer of layers) layer.dispose();
    },
  };
}

/** J[o][i] = ∂out_o/∂x_i at x, all rows at once: row o of a tiled batch only feeds output o. */
async function jacobian(f: (x: tf.Tensor) => tf.Tensor, x: number[], outputs: number) {
  const tiled = tf.tile(tf.tensor2d([x]), [outputs, 1]);
  const eye = tf.eye(outputs);
  const rows = tf.grad((input) => tf.sum(tf.mul(f(input), eye)))(tiled);
  const flat = await rows.data();
  tf.dispose([tiled, eye, rows]);
  return Array.from({ length: outputs }, (_, o) =>
    Array.from(flat.slice(o * x.length, (o + 1) * x.length)),
  );
}

describeBackends('MaskedDense', ({ tolerance }) => {
  it('computes act(x·(W ⊙ M) + b)', () => {
    const mask = [
      [1, 0],
      [0, 1],
      [1, 1],
    ];
    const layer = new MaskedDense({ inputSize: 3, outputSize: 2, mask, seed: 3 });
    const x = Rng.fromSeed(1).normal([4, 3]);
    const expected = tf.tidy(() =>
      tf.add(tf.matMul(x, tf.mul(layer.kernel, tf.tensor2d(mask))), layer.bias!),
    );
    const y = layer.apply(x);
    expectClose(y, expected, { atol: tolerance, rtol: tolerance });
    expect(Object.keys(layer.namedWeights())).toEqual(['dense/kernel', 'dense/bias']);
    tf.dispose([x, expected, y]);
    layer.dispose();
  });

  it('masked kernel entries get exactly zero gradient; the rest match finite differences', async () => {
    const mask = [
      [1, 0, 1],
      [0, 1, 1],
    ];
    const layer = new MaskedDense({
      inputSize: 2,
      outputSize: 3,
      mask,
      activation: 'softplus',
      seed: 4,
    });
    const x = Rng.fromSeed(2).normal([5, 2]);
    const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x)) as tf.Scalar);
    const g = await values(grads[layer.kernel.name]!);
    mask.flat().forEach((m, k) => {
      if (m === 0) expect(g[k]).toBe(0);
      else expect(g[k]).not.toBe(0);
    });
    tf.dispose([value, grads]);
    expectGradientsMatchFiniteDifferences(layer, x);
    x.dispose();
    layer.dispose();
  });

  const made: [string, MadeMasksOptions][] = [
    ['natural, no hidden layer', { inputSize: 4, hiddenSizes: [] }],
    ['natural, one hidden layer', { inputSize: 5, hiddenSizes: [8] }],
    ['natural, three hidden layers', { inputSize: 5, hiddenSizes: [6, 7, 6] }],
    ['random ordering', { inputSize: 5, hiddenSizes: [12, 12], ordering: 'random', seed: 7 }],
    ['explicit ordering', { inputSize: 4, hiddenSizes: [9], ordering: [2, 3, 0, 1] }],
    ['outputMultiplier 2', { inputSize: 4, hiddenSizes: [10, 10], outputMultiplier: 2 }],
    [
      'random ordering, outputMultiplier 2',
      { inputSize: 5, hiddenSizes: [16], ordering: 'random', outputMultiplier: 2, seed: 2 },
    ],
  ];

  for (const [title, options] of made) {
    it(`MADE Jacobian is autoregressive (${title})`, async () => {
      const { inputDegrees, outputDegrees } = madeMasks(options);
      const net = madeNetwork(options, 11);
      const x = Array.from({ length: options.inputSize }, (_, i) => Math.sin(i + 1));
      const jac = await jacobian(net.apply, x, outputDegrees.length);
      jac.forEach((row, o) => {
        row.forEach((value, i) => {
          const allowed = inputDegrees[i]! < outputDegrees[o]!;
          // Forbidden pairs are exact zeros; allowed ones are connected (hidden ≥ D − 1 wide),
          // so with random weights their derivative is non-zero.
          if (allowed) expect(value, `∂y${o}/∂x${i}`).not.toBe(0);
          else expect(value, `∂y${o}/∂x${i}`).toBe(0);
        });
      });
      net.dispose();
    });
  }

  it('keeps its mask when built inside tf.tidy and releases it on dispose', async () => {
    await expectNoLeak(() => {
      let built: MaskedDense | undefined;
      // Returns nothing, so tidy keeps nothing: the layer itself must protect its mask.
      tf.tidy(() => {
        built = new MaskedDense({
          inputSize: 2,
          outputSize: 2,
          mask: [
            [1, 0],
            [1, 1],
          ],
        });
      });
      const layer = built!;
      expect(layer.mask.isDisposed).toBe(false);
      const x = tf.ones([3, 2]);
      tf.dispose(layer.apply(x));
      tf.dispose(
        tf.variableGrads(() => tf.sum(layer.apply(x)) as tf.Scalar, layer.trainableVariables),
      );
      x.dispose();
      layer.dispose();
      expect(layer.mask.isDisposed).toBe(true);
      layer.dispose();
    });
  });

  it('rejects bad masks and inputs with typed errors naming them', () => {
    const make = (mask: unknown) => () =>
      new MaskedDense({ inputSize: 2, outputSize: 2, mask: mask as number[][] });
    expect(make([[1, 0]])).toThrow(InvalidArgumentError);
    expect(make([[1, 0]])).toThrow(/MaskedDense: argument 'mask' must be a 2×2 array of 0\/1 rows/);
    expect(make([[1, 0], [1]])).toThrow(/argument 'mask\[1\]'/);
    expect(
      make([
        [1, 0],
        [0.5, 1],
      ]),
    ).toThrow(/argument 'mask\[1\]\[0\]' must be 0 or 1, got 0.5/);
    expect(make(undefined)).toThrow(/argument 'mask'/);
    expect(
      () => new MaskedDense({ inputSize: 1, outputSize: 1, mask: [[1]], masks: [] } as never),
    ).toThrow(/MaskedDense: unknown option 'masks'/);
    const layer = new MaskedDense({ inputSize: 2, outputSize: 1, mask: [[1], [0]] });
    const x = tf.zeros([2, 3]);
    expect(() => layer.apply(x)).toThrow(
      "MaskedDense.apply: argument 'x' must have shape [..., 2], got [2, 3]",
    );
    x.dispose();
    layer.dispose();
  });
});
