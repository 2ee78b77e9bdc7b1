import { initBackend } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Padding } from './conv-ops.js';
import { Conv2d } from './conv2d.js';
import { Conv2dTranspose } from './conv2d-transpose.js';

// @gen/core registers a Conv2DBackpropFilter kernel on wasm, so Conv2d and Conv2dTranspose take
// tfjs's own gradients there as on cpu (the reference): same first derivatives, and second
// derivatives through a kernel (gradient penalties) that the dilated-convolution fallback
// could not give.

/** Deterministic values in (−1, 1), the same on every backend. */
function wave(n: number, phase: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + phase) * 0.9);
}

interface Setup {
  transpose: boolean;
  padding: Padding;
  stride: number;
}

function layer({ transpose, padding, stride }: Setup): Conv2d | Conv2dTranspose {
  const options = { inChannels: 3, outChannels: 4, kernelSize: 3, stride, padding };
  const module = transpose ? new Conv2dTranspose(options) : new Conv2d(options);
  const weights = module.getWeights();
  const values = Object.fromEntries(
    Object.entries(weights).map(([name, w], i) => [name, tf.tensor(wave(w.size, i), w.shape)]),
  );
  module.setWeights(values);
  tf.dispose([...Object.values(weights), ...Object.values(values)]);
  return module;
}

const input = () => tf.tensor4d(wave(2 * 7 * 6 * 3, 5), [2, 7, 6, 3]);

/** ∂/∂x and ∂/∂(each weight) of Σ tanh(layer(x))·probe, as plain arrays. */
function firstOrder(setup: Setup): number[][] {
  const module = layer(setup);
  const grads = tf.tidy(() => {
    const x = input();
    const loss = (a: tf.Tensor) => {
      const y = module.apply(a);
      return tf.sum(tf.mul(tf.tanh(y), tf.tensor(wave(y.size, 9), y.shape))) as tf.Scalar;
    };
    const { grads: byVariable } = tf.variableGrads(() => loss(x), module.trainableVariables);
    return [tf.grad(loss)(x), ...module.trainableVariables.map((v) => byVariable[v.name]!)];
  });
  const out = grads.map((g) => Array.from(g.dataSync()));
  tf.dispose(grads);
  module.dispose();
  return out;
}

/** ∂/∂kernel of the gradient penalty ‖∂/∂x Σ tanh(layer(x))‖². */
function secondOrder(setup: Setup): number[] {
  const module = layer(setup);
  const grad = tf.tidy(() => {
    const x = input();
    const kernel = module.trainableVariables[0]!;
    const { grads } = tf.variableGrads(() => {
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.tanh(module.apply(a))))(x);
      return tf.sum(tf.square(dx)) as tf.Scalar;
    }, [kernel]);
    return grads[kernel.name]!;
  });
  const out = Array.from(grad.dataSync());
  grad.dispose();
  module.dispose();
  return out;
}

async function onCpu<T>(fn: () => T): Promise<T> {
  await tf.setBackend('cpu');
  try {
    return fn();
  } finally {
    await tf.setBackend('wasm');
  }
}

const setups: Setup[] = [
  { transpose: false, padding: 'same', stride: 2 },
  { transpose: false, padding: 'valid', stride: 1 },
  { transpose: true, padding: 'same', stride: 2 },
  { transpose: true, padding: 'valid', stride: 1 },
];
const title = (s: Setup) =>
  `${s.transpose ? 'Conv2dTranspose' : 'Conv2d'} (${s.padding}, stride ${s.stride})`;

describe('convolution gradients on wasm', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    await initBackend('wasm');
  });

  it("use tfjs's native filter gradient there", () => {
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBeDefined();
  });

  for (const setup of setups) {
    it(`${title(setup)}: first derivatives equal cpu's`, async () => {
      const expected = await onCpu(() => firstOrder(setup));
      const actual = firstOrder(setup);
      expect(actual.length).toBe(expected.length);
      actual.forEach((g, i) => {
        expectClose(g, expected[i]!, { atol: 1e-5, rtol: 1e-4, message: `gradient ${i}` });
      });
    });

    it(`${title(setup)}: second derivatives through the kernel equal cpu's`, async () => {
      const expected = await onCpu(() => secondOrder(setup));
      expectClose(secondOrder(setup), expected, { atol: 1e-5, rtol: 1e-4 });
    });
  }

  it('leaks nothing', async () => {
    for (const setup of setups) {
      await expectNoLeak(() => {
        firstOrder(setup);
        secondOrder(setup);
      });
    }
  });
});
