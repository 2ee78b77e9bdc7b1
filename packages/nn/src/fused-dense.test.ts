import { Rng } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak, numericalGradient } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { expectGradientsMatchFiniteDifferences } from '../test/support.js';
import { type Activation, getActivation } from './activation.js';
import { Dense } from './dense.js';
import { madeMasks } from './made-masks.js';
import { MadeNetwork } from './made-network.js';
import { MaskedDense } from './masked-dense.js';

// Every activation: the fused ones, a negative leaky slope and the two tfjs cannot fuse.
const ACTIVATIONS: Activation[] = [
  'none',
  'relu',
  'leakyRelu',
  { name: 'leakyRelu', slope: 0.05 },
  { name: 'leakyRelu', slope: -0.3 },
  'elu',
  'sigmoid',
  'tanh',
  'softplus',
];

const label = (a: Activation) => (typeof a === 'string' ? a : `leakyRelu(${a.slope})`);

/** act(x·(W ⊙ M) + b) with plain tfjs ops, as Dense computed it before the fused kernel. */
function unfused(layer: Dense, x: tf.Tensor, mask?: tf.Tensor): tf.Tensor {
  const kernel = mask === undefined ? layer.kernel : tf.mul(layer.kernel, mask);
  const flat = tf.reshape(x, [-1, layer.inputSize]);
  const z = tf.matMul(flat, kernel);
  const y = getActivation(layer.activation)(layer.bias === null ? z : tf.add(z, layer.bias));
  return tf.reshape(y, [...x.shape.slice(0, -1), layer.outputSize]);
}

/** Σ r ⊙ f(x) and its gradients with respect to x and every variable of `layer`. */
function gradients(f: (x: tf.Tensor) => tf.Tensor, layer: Dense, x: tf.Tensor, r: tf.Tensor) {
  const variables = layer.trainableVariables;
  return tf.grads((...inputs: tf.Tensor[]) => tf.sum(tf.mul(f(inputs[0]!), r)))([x, ...variables]);
}

/**
 * The WGAN-GP penalty Σ ‖∇ₓ Σ critic(x)‖² of a Dense(3 → 4, act) → Dense(4 → 1) critic and its
 * gradient with respect to every critic weight: a gradient of a gradient.
 */
function penaltyGradients(layers: Dense[], apply: (l: Dense, h: tf.Tensor) => tf.Tensor) {
  return (x: tf.Tensor) => {
    const critic = (input: tf.Tensor) => tf.sum(layers.reduce((h, l) => apply(l, h), input));
    const penalty = () => tf.sum(tf.square(tf.grad(critic)(x))) as tf.Scalar;
    return tf.variableGrads(
      penalty,
      layers.flatMap((l) => l.trainableVariables),
    );
  };
}

describeBackends('fused dense layer', ({ tolerance }) => {
  const close = { atol: 10 * tolerance, rtol: 10 * tolerance };

  it('forward values and gradients wrt x, kernel and bias equal the unfused ops', () => {
    for (const activation of ACTIVATIONS) {
      for (const useBias of [true, false]) {
        tf.tidy(() => {
          const layer = new Dense({ inputSize: 5, outputSize: 4, activation, useBias, seed: 3 });
          if (useBias) layer.bias!.assign(Rng.fromSeed(4).normal([4]));
          const x = tf.mul(Rng.fromSeed(5).normal([2, 3, 5]), 2);
          const r = Rng.fromSeed(6).normal([2, 3, 4]);
          const message = `${label(activation)}, useBias ${useBias}`;
          expectClose(layer.apply(x), unfused(layer, x), { ...close, message });
          const fused = gradients((v) => layer.apply(v), layer, x, r);
          const plain = gradients((v) => unfused(layer, v), layer, x, r);
          for (const [i, g] of fused.entries()) {
            expectClose(g, plain[i]!, { ...close, message: `${message}, ${i}` });
          }
          layer.dispose();
        });
      }
    }
  });

  it('gradients match finite differences under every activation', () => {
    for (const activation of ACTIVATIONS) {
      const layer = new Dense({ inputSize: 4, outputSize: 3, activation, seed: 7 });
      layer.bias!.assign(tf.tensor1d([0.3, -0.4, 0.1]));
      const x = Rng.fromSeed(8).normal([5, 4]);
      expectGradientsMatchFiniteDifferences(layer, x);
      x.dispose();
      layer.dispose();
    }
  });

  it('gradients of a gradient (WGAN-GP penalty) equal the unfused ops and finite differences', () => {
    for (const activation of ACTIVATIONS) {
      const first = new Dense({ inputSize: 3, outputSize: 4, activation, seed: 9, name: 'a' });
      const last = new Dense({ inputSize: 4, outputSize: 1, seed: 10, name: 'b' });
      first.bias!.assign(tf.tensor1d([0.2, -0.3, 0.5, -0.1]));
      const layers = [first, last];
      const x = Rng.fromSeed(11).normal([6, 3]);
      const fused = penaltyGradients(layers, (l, h) => l.apply(h))(x);
      const plain = penaltyGradients(layers, (l, h) => unfused(l, h))(x);
      const message = label(activation);
      expectClose(fused.value, plain.value, { ...close, message });
      for (const [name, g] of Object.entries(fused.grads)) {
        expectClose(g, plain.grads[name]!, { ...close, message: `${message} d/d ${name}` });
      }
      const kernel = first.kernel;
      const original = tf.clone(kernel);
      const numeric = numericalGradient(
        (w) => {
          kernel.assign(w);
          return penaltyGradients(layers, (l, h) => l.apply(h))(x).value;
        },
        original,
        1e-2,
      );
      kernel.assign(original);
      expectClose(fused.grads[kernel.name]!, numeric, {
        atol: 5e-3,
        rtol: 5e-3,
        message: `${message} finite differences`,
      });
      tf.dispose([fused, plain, original, numeric, x]);
      for (const l of layers) l.dispose();
    }
  });

  it('runs matmul, bias and a fusable activation as one kernel', async () => {
    const x = tf.ones([4, 3]);
    const stock = ['BatchMatMul', 'Add', 'Relu', 'LeakyRelu', 'Elu', 'Sigmoid'];
    for (const activation of ['leakyRelu', 'elu', 'sigmoid', 'relu'] as const) {
      const layer = new Dense({ inputSize: 3, outputSize: 2, activation, seed: 0 });
      const { kernels } = await tf.profile(() => tf.dispose(layer.apply(x)));
      const names = kernels.map((k) => k.name);
      expect(
        names.filter((n) => n === '_FusedMatMul'),
        activation,
      ).toHaveLength(1);
      // wasm's fused relu would turn NaN into 0, so there relu follows the fused matmul + bias.
      const separate = activation === 'relu' && tf.getBackend() === 'wasm' ? ['Relu'] : [];
      expect(
        names.filter((n) => stock.includes(n)),
        activation,
      ).toEqual(separate);
      layer.dispose();
    }
    x.dispose();
  });

  it('keeps NaN in the input as NaN under every activation', () => {
    for (const activation of ACTIVATIONS) {
      const layer = new Dense({ inputSize: 2, outputSize: 3, activation, seed: 1 });
      const y = tf.tidy(() => layer.apply(tf.tensor2d([[Number.NaN, 1]])));
      expect(Array.from(y.dataSync()).every(Number.isNaN), label(activation)).toBe(true);
      y.dispose();
      layer.dispose();
    }
  });

  it('MaskedDense and MadeNetwork equal the unfused ops with their masks, gradients included', () => {
    tf.tidy(() => {
      const { masks } = madeMasks({ inputSize: 4, hiddenSizes: [6], ordering: 'natural' });
      const masked = new MaskedDense({
        inputSize: 4,
        outputSize: 6,
        mask: masks[0]!,
        activation: 'relu',
        seed: 2,
      });
      const x = Rng.fromSeed(12).normal([5, 4]);
      const r = Rng.fromSeed(13).normal([5, 6]);
      expectClose(masked.apply(x), unfused(masked, x, masked.mask), close);
      const fused = gradients((v) => masked.apply(v), masked, x, r);
      const plain = gradients((v) => unfused(masked, v, masked.mask), masked, x, r);
      for (const [i, g] of fused.entries()) expectClose(g, plain[i]!, close);
      masked.dispose();

      const made = new MadeNetwork({ inputSize: 4, hiddenSizes: [6], activation: 'elu', seed: 3 });
      const layerMasks = masks.map((m) => tf.tensor2d(m as number[][]));
      // The network's layers are linear Dense children; the network applies elu between them.
      const [hidden, output] = made.layers as [Dense, Dense];
      const reference = (v: tf.Tensor) =>
        unfused(output, tf.elu(unfused(hidden, v, layerMasks[0])), layerMasks[1]);
      expectClose(made.apply(x), reference(x), close);
      const variables = made.trainableVariables;
      const loss = (f: (v: tf.Tensor) => tf.Tensor) => () =>
        tf.sum(tf.mul(f(x), Rng.fromSeed(14).normal([5, 4]))) as tf.Scalar;
      const a = tf.variableGrads(
        loss((v) => made.apply(v)),
        variables,
      ).grads;
      const b = tf.variableGrads(loss(reference), variables).grads;
      for (const name of Object.keys(b)) expectClose(a[name]!, b[name]!, close);
      made.dispose();
    });
  });

  it('leaks nothing through forward, gradients and gradients of gradients', async () => {
    await expectNoLeak(() => {
      for (const activation of ['relu', 'sigmoid', 'tanh'] as const) {
        const layers = [
          new Dense({ inputSize: 3, outputSize: 4, activation, seed: 0, name: 'a' }),
          new Dense({ inputSize: 4, outputSize: 1, seed: 1, name: 'b' }),
        ];
        const x = tf.ones([2, 3]);
        tf.dispose(layers[0]!.apply(x));
        tf.dispose(
          tf.variableGrads(
            () => tf.sum(layers[1]!.apply(layers[0]!.apply(x))) as tf.Scalar,
            layers.flatMap((l) => l.trainableVariables),
          ),
        );
        tf.dispose(penaltyGradients(layers, (l, h) => l.apply(h))(x));
        x.dispose();
        for (const l of layers) l.dispose();
      }
    });
  });
});
