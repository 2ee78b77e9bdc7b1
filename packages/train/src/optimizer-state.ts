import { FormatError, type NamedTensors, NotImplementedError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { adam } from './optimizers/adam.js';

/**
 * The trainer's default optimiser: {@link adam} (tfjs's Adam, fused into one kernel per step on
 * cpu and wasm) with an explicit ε = 1e-7, since tfjs otherwise takes the backend's epsilon, 1e-4
 * on WebGL, which changes the training path.
 */
export function defaultAdam(learningRate = 1e-3): tf.Optimizer {
  return adam(learningRate, { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
}

type WithRate = { learningRate?: unknown; setLearningRate?: (lr: number) => void };

/** The optimiser's current learning rate, where tfjs keeps one. */
export function getLearningRate(optimizer: tf.Optimizer): number | undefined {
  const lr = (optimizer as unknown as WithRate).learningRate;
  return typeof lr === 'number' ? lr : undefined;
}

/** Sets the learning rate of any tfjs optimiser (SGD and Momentum cache it in a tensor). */
export function setLearningRate(fn: string, optimizer: tf.Optimizer, learningRate: number): void {
  const target = optimizer as unknown as WithRate;
  if (typeof target.setLearningRate === 'function') target.setLearningRate(learningRate);
  else if (typeof target.learningRate === 'number') target.learningRate = learningRate;
  else {
    throw new NotImplementedError(
      `${fn}: cannot set the learning rate of optimizer ${optimizer.getClassName()}`,
    );
  }
}

// Adam and Adamax keep running powers β₁ᵗ, β₂ᵗ in private variables that `setWeights` recomputes
// with `pow`, which differs from the running product in the last bit; saving them too is what
// makes a resumed run bitwise identical.
function extraVariables(optimizer: tf.Optimizer): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {};
  for (const [key, value] of Object.entries(optimizer)) {
    if (value instanceof tf.Variable) out[key] = value;
  }
  return out;
}

/** JSON part of a saved optimiser; its tensors are stored under `<prefix>/…`. */
export interface OptimizerManifest {
  className: string;
  learningRate: number | null;
  iterations: number;
  /** Names of the slot variables, in tfjs's `getWeights` order. */
  slots: string[];
  extras: string[];
}

/** Reads the full state of `optimizer`; the caller disposes the returned tensors. */
export async function captureOptimizer(
  fn: string,
  optimizer: tf.Optimizer,
  prefix: string,
): Promise<{ manifest: OptimizerManifest; tensors: NamedTensors }> {
  let weights: Awaited<ReturnType<tf.Optimizer['getWeights']>>;
  try {
    weights = await optimizer.getWeights();
  } catch (cause) {
    throw new NotImplementedError(
      `${fn}: optimizer ${optimizer.getClassName()} cannot save its state (tfjs implements no getWeights for it), so it cannot be checkpointed`,
      { cause },
    );
  }
  const [iter, ...slots] = weights;
  const iterations = iter === undefined ? 0 : (await iter.tensor.data())[0]!;
  iter?.tensor.dispose();
  const tensors: NamedTensors = {};
  slots.forEach((slot, i) => {
    tensors[`${prefix}/slot/${i}`] = tf.clone(slot.tensor);
  });
  const extras = extraVariables(optimizer);
  for (const [key, variable] of Object.entries(extras)) {
    tensors[`${prefix}/extra/${key}`] = tf.clone(variable);
  }
  const manifest: OptimizerManifest = {
    className: optimizer.getClassName(),
    learningRate: getLearningRate(optimizer) ?? null,
    iterations,
    slots: slots.map((s) => s.name),
    extras: Object.keys(extras),
  };
  return { manifest, tensors };
}

/** Restores what {@link captureOptimizer} saved; `tensors` stay owned by the caller. */
export async function restoreOptimizer(
  fn: string,
  optimizer: tf.Optimizer,
  manifest: OptimizerManifest,
  tensors: NamedTensors,
  prefix: string,
): Promise<void> {
  if (manifest.className !== optimizer.getClassName()) {
    throw new FormatError(
      `${fn}: argument 'resume' holds state of optimizer ${manifest.className}, but the run uses ${optimizer.getClassName()}`,
    );
  }
  const get = (name: string) => {
    const t = tensors[name];
    if (t === undefined) throw new FormatError(`${fn}: checkpoint is missing tensor '${name}'`);
    return t;
  };
  const previous = await optimizer.getWeights();
  const iter = tf.scalar(manifest.iterations, 'int32');
  const slots = manifest.slots.map((name, i) => ({ name, tensor: get(`${prefix}/slot/${i}`) }));
  await optimizer.setWeights([{ name: 'iter', tensor: iter }, ...slots]);
  iter.dispose();
  // setWeights replaces the slot variables without releasing the old ones.
  tf.dispose(previous.map((w) => w.tensor));
  const extras = extraVariables(optimizer);
  for (const key of manifest.extras) {
    const variable = extras[key];
    if (variable === undefined) {
      throw new FormatError(`${fn}: optimizer ${manifest.className} has no state '${key}'`);
    }
    variable.assign(get(`${prefix}/extra/${key}`));
  }
  if (manifest.learningRate !== null) setLearningRate(fn, optimizer, manifest.learningRate);
}
