import * as tf from '@tensorflow/tfjs-core';
import type { ActivationPlan } from './activation.js';
import { registerFusedMatMulGradient } from './fused-matmul-gradient.js';

/**
 * act(x·W + b) for x: [..., in], W: [in, out], b: [out] or none, through tfjs's fused matmul
 * kernel (matmul, bias and activation in one dispatch on every backend) with the gradient of
 * {@link registerFusedMatMulGradient}. Call it inside a `tf.tidy`.
 *
 * The sigmoid and elu derivatives are read from the kernel's saved output, which tfjs saves as
 * a copy that an outer tape cannot trace back, so a gradient of a gradient (a gradient penalty)
 * would miss that path. So when the forward pass runs under two tapes (a gradient taken inside
 * a gradient), the kernel stays linear and those two activations run as their own ops. relu's
 * and leaky relu's derivatives are piecewise constant, so they lose nothing there.
 */
export function fusedDense(
  x: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor | null,
  plan: ActivationPlan,
): tf.Tensor {
  registerFusedMatMulGradient();
  const [inputSize, outputSize] = kernel.shape as [number, number];
  const nested =
    tf.engine().state.gradientDepth > 1 && (plan.fused === 'sigmoid' || plan.fused === 'elu');
  // wasm's fused relu is an XNNPACK clamp that turns NaN into 0, which would hide a diverged
  // weight from the NaN guards (its fused leaky relu with slope 0 keeps NaN but is slower than a
  // separate Relu kernel), so there relu runs as its own kernel after the fused matmul + bias.
  const wasmRelu = plan.fused === 'relu' && tf.getBackend() === 'wasm';
  const unfuse = nested || wasmRelu;
  const after = unfuse ? plan.activate : plan.after;
  const input = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
  // The kernel takes rank-3 operands; a stack of layers passes [1, n, features] between them
  // (see `asStack`), so only its ends reshape.
  const stacked = x.rank === 3 && x.shape[0] === 1;
  const a = stacked ? input : tf.reshape(input, [1, -1, inputSize]);
  const b = tf.reshape(kernel, [1, inputSize, outputSize]);
  const attrs = {
    transposeA: false,
    transposeB: false,
    activation: unfuse ? 'linear' : plan.fused,
    leakyreluAlpha: plan.leakyreluAlpha,
  };
  const inputs = bias === null ? { a, b } : { a, b, bias };
  const z = tf
    .engine()
    .runKernel(tf._FusedMatMul, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  const y = after === null ? z : after(z);
  return stacked ? y : tf.reshape(y, [...x.shape.slice(0, -1), outputSize]);
}

/**
 * Runs `layers` (each mapping [..., in] → [..., out] through {@link fusedDense}) on
 * x: [..., inputSize] as [1, n, features] throughout, reshaping once at each end.
 */
export function asStack(
  x: tf.Tensor,
  inputSize: number,
  outputSize: number,
  layers: (h: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  const y = layers(tf.reshape(x, [1, -1, inputSize]));
  return tf.reshape(y, [...x.shape.slice(0, -1), outputSize]);
}
