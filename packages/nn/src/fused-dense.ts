import * as tf from '@tensorflow/tfjs-core';
import type { ActivationPlan } from './activation.js';
import { registerFusedMatMulGradient } from './fused-matmul-gradient.js';

/**
 * act(x·W + b) for x: [..., in], W: [in, out], b: [out] or none, through tfjs's fused matmul
 * kernel (matmul, bias and activation in one dispatch on every backend) with the gradient of
 * {@link registerFusedMatMulGradient}. Call it inside a `tf.tidy`.
 *
 * The sigmoid and elu derivatives are read from the kernel's saved output, which tfjs keeps as
 * a copy off the tape, so a gradient of a gradient (a gradient penalty) would miss that path:
 * there, when a tape is already recording the forward pass of another, the kernel stays
 * linear and the activation runs as its own op. relu's and leaky relu's derivatives are
 * piecewise constant and lose nothing.
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
  const after = nested ? plan.activate : plan.after;
  const a = tf.reshape(x.dtype === 'float32' ? x : tf.cast(x, 'float32'), [1, -1, inputSize]);
  const b = tf.reshape(kernel, [1, inputSize, outputSize]);
  let activation = nested ? 'linear' : plan.fused;
  // wasm's fused relu is a clamp that turns NaN into 0, which would hide a diverged weight from
  // the NaN guards; its leaky relu with slope 0 keeps NaN (and gives NaN, not 0, at −∞, which
  // only a diverged layer reaches).
  if (activation === 'relu' && tf.getBackend() === 'wasm') activation = 'leakyrelu';
  const attrs = {
    transposeA: false,
    transposeB: false,
    activation,
    leakyreluAlpha: plan.leakyreluAlpha,
  };
  const inputs = bias === null ? { a, b } : { a, b, bias };
  const z = tf
    .engine()
    .runKernel(tf._FusedMatMul, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  const y = after === null ? z : after(z);
  return tf.reshape(y, [...x.shape.slice(0, -1), outputSize]);
}
