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
 * for rank-5 tensors yet"), which also breaks `tf.broadcastTo` of rank-5 parameters. Tiling
 * repeats whole blocks, so dy reshaped to [r0, d0, r1, d1, …] summed over the r-axes is the
 * gradient at any rank.
 */
const tileGradient: tf.GradConfig = {
  kernelName: tf.Tile,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => {
    const { reps } = attrs as unknown as { reps: number[] };
    return {
      x: () => {
        const shape = x!.shape;
        const split = shape.flatMap((d, i) => [reps[i]!, d]);
        const axes = shape.map((_, i) => 2 * i);
        return tf.reshape(tf.sum(tf.reshape(dy as tf.Tensor, split), axes), shape);
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
