import * as tf from '@tensorflow/tfjs-core';

/*
 * tfjs computes the gradients of Tanh, Sigmoid, Exp, Elu, Softmax and Pow from the
 * op's *saved output*. The saved output is a detached copy, so differentiating a gradient again
 * (gradient penalties, Hessian-vector products) either fails with "Cannot find a connection" or
 * silently drops the path through the output. These replacements recompute what they need from
 * the saved inputs with differentiable ops, so gradients of any order are right.
 */

function reduceTo(t: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, t.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, shape);
}

const configs: tf.GradConfig[] = [
  {
    kernelName: tf.Tanh,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({
      x: () => tf.mul(dy as tf.Tensor, tf.sub(1, tf.square(tf.tanh(x!)))),
    }),
  },
  {
    kernelName: tf.Sigmoid,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({
      x: () => {
        const s = tf.sigmoid(x!);
        return tf.mul(dy as tf.Tensor, tf.mul(s, tf.sub(1, s)));
      },
    }),
  },
  {
    kernelName: tf.Exp,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.exp(x!)) }),
  },
  {
    kernelName: tf.Elu,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({
      // elu(x) = x for x > 0, exp(x) − 1 otherwise; exp of min(x, 0) avoids overflow.
      x: () =>
        tf.mul(
          dy as tf.Tensor,
          tf.where(tf.greater(x!, 0), tf.onesLike(x!), tf.exp(tf.minimum(x!, 0))),
        ),
    }),
  },
  {
    kernelName: tf.Softmax,
    inputsToSave: ['logits'],
    gradFunc: (dy, [logits], attrs) => {
      const { dim } = attrs as unknown as { dim: number };
      return {
        logits: () => {
          const y = tf.softmax(logits!, dim);
          const g = dy as tf.Tensor;
          return tf.mul(y, tf.sub(g, tf.sum(tf.mul(g, y), dim, true)));
        },
      };
    },
  },
  {
    kernelName: tf.Pow,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => {
      const base = a!;
      const exponent = tf.cast(b!, 'float32');
      const g = dy as tf.Tensor;
      return {
        a: () =>
          reduceTo(tf.mul(g, tf.mul(exponent, tf.pow(base, tf.sub(exponent, 1)))), base.shape),
        b: () => {
          const positive = tf.greater(base, 0);
          const logBase = tf.where(
            positive,
            tf.log(tf.where(positive, base, tf.onesLike(base))),
            tf.zerosLike(base),
          );
          return reduceTo(tf.mul(g, tf.mul(tf.pow(base, exponent), logBase)), b!.shape);
        },
      };
    },
  },
];

// Comparisons and logical ops have no gradient in tfjs, so even a first-order gradient through
// `tf.where(tf.greater(x, 0), …)` failed with "gradient function not found for Greater".
// Like TensorFlow and PyTorch, treat them as constant: zero gradient to every input.
const comparisons = [
  tf.Equal,
  tf.NotEqual,
  tf.Greater,
  tf.Less,
  tf.LessEqual,
  tf.LogicalAnd,
  tf.LogicalOr,
  tf.LogicalXor,
];

/**
 * Tile's gradient in tfjs handles rank ≤ 4 only ("Gradient for tile operation is not implemented
 * for rank-5 tensors yet"), which also breaks `tf.broadcastTo` of rank-5 parameters (tfjs's
 * `broadcastTo` runs the Tile kernel). Tiling repeats whole blocks: along axis i the output index
 * is r·dᵢ + j, so the gradient sums dy over the repeats one tiled axis at a time, each as a rank-3
 * [before, rᵢ, dᵢ·after] sum over the middle axis. (Reshaping dy to [r0, d0, r1, d1, …] at once
 * gives rank 2k, and its own gradient a rank-2k tile: beyond the rank 6 that XNNPACK handles, so
 * on tfjs-backend-wasm second derivatives through `broadcastTo` came out as garbage.)
 */
const tileGradient: tf.GradConfig = {
  kernelName: tf.Tile,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => {
    const { reps } = attrs as unknown as { reps: number[] };
    return {
      x: () => {
        const shape = x!.shape;
        let grad = dy as tf.Tensor;
        const current = shape.map((d, i) => d * reps[i]!);
        shape.forEach((d, i) => {
          const r = reps[i]!;
          if (r === 1) return;
          const before = current.slice(0, i).reduce((a, b) => a * b, 1);
          const after = current.slice(i + 1).reduce((a, b) => a * b, 1);
          grad = tf.sum(tf.reshape(grad, [before, r, d * after]), 1);
          current[i] = d;
        });
        return tf.reshape(grad, shape);
      },
    };
  },
};

/**
 * Registers the input-based gradients above, a Tile gradient for every rank, and zero
 * gradients for comparison and logical ops (idempotent; `initBackend` calls it).
 */
export function registerHigherOrderGradients(): void {
  for (const config of configs) tf.registerGradient(config);
  tf.registerGradient(tileGradient);
  for (const kernelName of comparisons) {
    tf.registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, [a, b]) => ({
        a: () => tf.zeros(a!.shape),
        b: () => tf.zeros(b!.shape),
      }),
    });
  }
  tf.registerGradient({
    kernelName: tf.LogicalNot,
    inputsToSave: ['x'],
    gradFunc: (_dy, [x]) => ({ x: () => tf.zeros(x!.shape) }),
  });
}
