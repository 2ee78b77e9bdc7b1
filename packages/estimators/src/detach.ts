import * as tf from '@tensorflow/tfjs-core';

/**
 * A copy of `x` that the gradient tape cannot see: the same data under a new tensor, made the
 * way tfjs's own Identity kernels make their outputs (a reference-counted alias), but without a
 * tape node. Unlike `stopGradient` (a zero gradient that backpropagation still walks through),
 * nothing downstream of a detached tensor is visited by the backward pass — so the many cost
 * evaluations of a measure-valued estimate, or a sampler's own reparameterisation gradient, cost
 * nothing there. The caller owns the result (it is tracked by the enclosing `tf.tidy`).
 */
export function detach<T extends tf.Tensor>(x: T): T {
  tf.backend().incRef(x.dataId);
  return tf.engine().makeTensorFromDataId(x.dataId, x.shape, x.dtype) as T;
}

/**
 * Runs `f` without recording its operations on an active gradient tape: the work a sampler does
 * to produce draws that are detached anyway (the fixed bisections of the weak-derivative
 * samplers) then holds no tape memory until the enclosing `tf.grads` ends. Nothing flows back
 * through the result. Works like `tf.customGrad`'s forward pass, which tfjs runs off the tape.
 */
export function untaped(f: () => tf.Tensor): tf.Tensor {
  const run = tf.customGrad(() => ({ value: f(), gradFunc: () => [] }));
  return detach((run as () => tf.Tensor)());
}
