import * as tf from '@tensorflow/tfjs-core';

interface EngineState {
  gradientDepth: number;
}

/**
 * The vector-Jacobian product of `f` at `x` with respect to `x` and `variables`, by running `f`
 * again under a gradient tape. It is called from inside another gradient's backward pass, where
 * tfjs's tape is still in use: at depth 0 a new gradient would replace that tape and drop it when
 * done, so the recomputation counts as nested (as a higher-order gradient does) and its records
 * are freed with the outer ones.
 */
function vjp(
  f: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  variables: readonly tf.Variable[],
  dy: tf.Tensor,
): tf.Tensor[] {
  const state = (tf.engine() as unknown as { state: EngineState }).state;
  const xs = [x, ...variables];
  state.gradientDepth += 1;
  try {
    const { value, grads } = tf.engine().gradients(() => f(x), xs, dy, true);
    value.dispose();
    return xs.map((t, i) => grads[i] ?? tf.zerosLike(t));
  } finally {
    state.gradientDepth -= 1;
  }
}

/**
 * `f(x)`, where `f` reads `variables`, computed off the gradient tape: tfjs saves no copies of its
 * intermediate tensors and records none of its ops. Gradients with respect to `x` and `variables`
 * stay exact: the rare gradient that needs them (a discriminator loss differentiated with respect
 * to the generator) runs `f` again. For values that a gradient step almost never differentiates
 * through, such as the fakes of a discriminator update.
 */
export function offTape(
  f: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  variables: readonly tf.Variable[],
): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    (args.at(-1) as tf.GradSaveFunc)([input]);
    return {
      value: f(input),
      gradFunc: (dy, [saved]) => vjp(f, saved!, variables, dy as tf.Tensor),
    };
  });
  return op(x, ...variables);
}
