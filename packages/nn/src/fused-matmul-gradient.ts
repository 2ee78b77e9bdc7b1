import * as tf from '@tensorflow/tfjs-core';
import type { FusedActivationName } from './activation.js';

interface FusedMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation: FusedActivationName | 'relu6' | 'prelu';
  leakyreluAlpha?: number;
}

function swapInner(t: tf.Tensor): tf.Tensor {
  return tf.transpose(t, [0, 2, 1]);
}

function reduceTo(t: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, t.shape);
  return axes.length > 0 ? tf.reshape(tf.sum(t, axes), shape) : t;
}

/**
 * dL/dz from dL/dy and the kernel's own output y = act(z): every fused activation's derivative
 * is a function of y (relu and leaky relu: y > 0 ⇔ z > 0 for a slope ≥ 0; elu: y + 1 below 0;
 * sigmoid: y − y²), so the backward pass never recomputes z.
 */
function activationGradient(dy: tf.Tensor, y: tf.Tensor, attrs: FusedMatMulAttrs): tf.Tensor {
  switch (attrs.activation) {
    case 'linear':
      return dy;
    case 'relu':
      return tf.mul(dy, tf.step(y));
    case 'leakyrelu':
      return tf.mul(dy, tf.step(y, attrs.leakyreluAlpha ?? 0));
    case 'elu':
      return tf
        .engine()
        .runKernel(tf.EluGrad, { dy, y } as unknown as tf.NamedTensorMap) as tf.Tensor;
    case 'sigmoid':
      return tf.mul(dy, tf.sub(y, tf.square(y)));
    default:
      throw new Error(
        `@gen/nn: no gradient for _FusedMatMul with activation '${attrs.activation}'`,
      );
  }
}

let registered = false;

/**
 * Registers a gradient for tfjs's `_FusedMatMul` kernel, which has none of its own:
 * `tf.fused.matMul` fuses an activation only when no gradient tape is recording, and its custom
 * gradient uses matmul transpose flags, about 10× slower than explicit transposes on
 * tfjs-backend-wasm 4.22. This one handles the calls @gen's dense layers make (rank-3 operands,
 * no transpose flags, rank-1 bias), with explicit transposes, and reads the activation's
 * derivative off the saved output. Idempotent.
 */
export function registerFusedMatMulGradient(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: tf._FusedMatMul,
    inputsToSave: ['a', 'b'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [a, b, y] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const options = attrs as unknown as FusedMatMulAttrs;
      if (options.transposeA || options.transposeB || a.rank !== 3 || b.rank !== 3) {
        throw new Error(
          '@gen/nn: the _FusedMatMul gradient handles rank-3 operands without transpose flags',
        );
      }
      const dz = activationGradient(dy as tf.Tensor, y, options);
      return {
        a: () => reduceTo(tf.matMul(dz, swapInner(b)), a.shape),
        b: () => reduceTo(tf.matMul(swapInner(a), dz), b.shape),
        bias: () => tf.sum(dz, [0, 1]),
      };
    },
  });
}
