import { InvalidArgumentError, isGenError, ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** Gradient clipping, applied before the optimiser sees the gradients. */
export interface ClipOptions {
  /** Rescale all gradients together so their global L2 norm is at most this. */
  clipNorm?: number | undefined;
  /** Clip every gradient element to [−clipValue, clipValue] (after `clipNorm`). */
  clipValue?: number | undefined;
}

/** The tensors one update leaves behind; the caller owns them. */
export interface StepOutput {
  loss: tf.Scalar;
  /** bool scalar: the loss and the global gradient norm were finite. */
  finite: tf.Scalar;
}

// x − x is 0 exactly for finite x and NaN for NaN and ±Inf; unlike tf.isFinite it exists on
// every backend.
const finiteMask = (x: tf.Tensor) => tf.equal(tf.sub(x, x), 0);

/**
 * Wraps a model's loss so that anything but a scalar tensor fails with a typed error naming
 * `label` (e.g. 'fit: model.loss') instead of deep inside tfjs's gradient code, and so that a
 * raw error thrown by the loss (a tfjs broadcast error for a batch the model cannot take)
 * becomes an `InvalidArgumentError` naming the function the user called, with the original as
 * its `cause`.
 */
export function scalarLoss(label: string, loss: () => tf.Tensor): () => tf.Scalar {
  return () => {
    let value: tf.Tensor;
    try {
      value = loss();
    } catch (error) {
      if (isGenError(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new InvalidArgumentError(`${label} failed: ${message}`, {
        cause: error,
      });
    }
    if (!(value instanceof tf.Tensor) || value.rank !== 0) {
      const got = value instanceof tf.Tensor ? `shape [${value.shape.join(', ')}]` : String(value);
      throw new ShapeMismatchError(`${label} must return a scalar tensor, got ${got}`);
    }
    return value as tf.Scalar;
  };
}

interface EngineState {
  gradientDepth: number;
  activeTape: { saved?: tf.Tensor[] }[] | null;
}

// While recording a gradient tape tfjs keeps copies of the tensors each op saves for the backward
// pass and frees them only after backprop; if the loss throws half-way they would stay alive
// forever, so a failed step frees them here.
function releaseTape(): void {
  const state = (tf.engine() as unknown as { state: EngineState }).state;
  if (state.gradientDepth !== 0 || state.activeTape === null) return;
  for (const node of state.activeTape) tf.dispose(node.saved ?? []);
  state.activeTape = [];
}

/**
 * One optimiser update of `variables` against `lossFn`: gradients through `tf.variableGrads`,
 * clipping (global norm, then value), `applyGradients` in the order of `variables` (so the
 * optimiser's slots line up with the variables in every run), all inside one `tf.tidy`.
 */
export function gradientStep(
  optimizer: tf.Optimizer,
  variables: readonly tf.Variable[],
  lossFn: () => tf.Scalar,
  clip: ClipOptions,
  guard: boolean,
): StepOutput {
  return tf.tidy(() => {
    let computed: { value: tf.Scalar; grads: tf.NamedTensorMap };
    try {
      computed = tf.variableGrads(lossFn, variables as tf.Variable[]);
    } catch (error) {
      releaseTape();
      throw error;
    }
    const { value, grads } = computed;
    let list = variables.map((v) => grads[v.name]);
    const present = list.filter((g): g is tf.Tensor => g !== undefined);
    const needNorm = guard || clip.clipNorm !== undefined;
    const squaredNorm = needNorm
      ? present.reduce<tf.Tensor>((acc, g) => tf.add(acc, tf.sum(tf.square(g))), tf.scalar(0))
      : undefined;
    if (clip.clipNorm !== undefined && squaredNorm !== undefined) {
      const norm = tf.sqrt(squaredNorm);
      const scale = tf.div(clip.clipNorm, tf.maximum(norm, clip.clipNorm));
      list = list.map((g) => (g === undefined ? g : tf.mul(g, scale)));
    }
    if (clip.clipValue !== undefined) {
      const c = clip.clipValue;
      list = list.map((g) => (g === undefined ? g : tf.clipByValue(g, -c, c)));
    }
    optimizer.applyGradients(
      variables.map((v, i) => ({ name: v.name, tensor: list[i] as tf.Tensor })),
    );
    const finite =
      squaredNorm === undefined
        ? tf.scalar(true, 'bool')
        : tf.logicalAnd(finiteMask(value), finiteMask(squaredNorm));
    return { loss: value, finite: finite as tf.Scalar };
  });
}
