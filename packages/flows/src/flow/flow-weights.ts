import {
  type Bijector,
  type Distribution,
  InvalidArgumentError,
  invalidArgument,
  type NamedTensors,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** A transform that saves and restores its own weights (every learned bijector). */
interface WeightOwner {
  getWeights(): NamedTensors;
  setWeights(weights: NamedTensors): void;
}

function ownsWeights(part: unknown): part is WeightOwner {
  const p = part as Partial<WeightOwner> | null;
  return typeof p?.getWeights === 'function' && typeof p.setWeights === 'function';
}

function variablesOf(part: unknown): tf.Variable[] {
  const own = (part as { trainableVariables?: unknown }).trainableVariables;
  return Array.isArray(own) ? own.filter((v): v is tf.Variable => v instanceof tf.Variable) : [];
}

function baseVariables(base: Distribution): [string, tf.Variable][] {
  return Object.entries(base.params).filter(
    (entry): entry is [string, tf.Variable] =>
      entry[1] instanceof tf.Variable && entry[1].trainable,
  );
}

/** Every trainable variable of the transforms, then the base's trainable parameter variables. */
export function flowVariables(base: Distribution, transforms: readonly Bijector[]): tf.Variable[] {
  const all = transforms.flatMap(variablesOf);
  for (const [, v] of baseVariables(base)) all.push(v);
  return [...new Set(all)];
}

/**
 * Copies of every weight of a flow by name: `transforms/<i>/<weight name>` for transforms with
 * their own `getWeights` (every learned bijector, e.g.
 * `transforms/0/affineCoupling/conditioner/dense0/kernel`), `transforms/<i>/<j>` for the j-th
 * trainable variable of other transforms, and `base/<param>` for trainable variables among the
 * base distribution's params.
 */
export function getFlowWeights(base: Distribution, transforms: readonly Bijector[]): NamedTensors {
  const out: NamedTensors = {};
  transforms.forEach((t, i) => {
    if (ownsWeights(t)) {
      for (const [name, w] of Object.entries(t.getWeights())) out[`transforms/${i}/${name}`] = w;
      return;
    }
    variablesOf(t).forEach((v, j) => {
      out[`transforms/${i}/${j}`] = tf.clone(v);
    });
  });
  for (const [name, v] of baseVariables(base)) out[`base/${name}`] = tf.clone(v);
  return out;
}

/** Assigns all of `weights` (exactly the names of `getFlowWeights`, matching shapes), or nothing. */
export function setFlowWeights(
  base: Distribution,
  transforms: readonly Bijector[],
  weights: NamedTensors,
): void {
  const fn = 'Flow.setWeights';
  if (weights === null || typeof weights !== 'object') {
    throw invalidArgument(fn, 'weights', weights, 'must be an object of named tensors');
  }
  const current = getFlowWeights(base, transforms);
  try {
    checkAgainst(fn, current, weights);
  } finally {
    tf.dispose(Object.values(current));
  }
  const groups = transforms.map((): NamedTensors => ({}));
  transforms.forEach((t, i) => {
    if (ownsWeights(t)) return;
    variablesOf(t).forEach((v, j) => {
      v.assign(weights[`transforms/${i}/${j}`]!);
    });
  });
  for (const [name, v] of baseVariables(base)) v.assign(weights[`base/${name}`]!);
  for (const [name, w] of Object.entries(weights)) {
    const match = /^transforms\/(\d+)\/(.+)$/.exec(name);
    if (match && ownsWeights(transforms[Number(match[1])]))
      groups[Number(match[1])]![match[2]!] = w;
  }
  // Through each transform's own setWeights, so that e.g. ActNorm records that it is initialised.
  transforms.forEach((t, i) => {
    if (ownsWeights(t)) t.setWeights(groups[i]!);
  });
}

/**
 * Refuses `weights` unless they hold exactly the names of `current`, each a live tensor of the
 * same dtype and shape (shared by Flow and MultiscaleFlow).
 */
export function checkAgainst(fn: string, current: NamedTensors, weights: NamedTensors): void {
  const missing = Object.keys(current).filter((name) => !Object.hasOwn(weights, name));
  const unexpected = Object.keys(weights).filter((name) => !Object.hasOwn(current, name));
  if (missing.length > 0 || unexpected.length > 0) {
    throw new InvalidArgumentError(
      `${fn}: argument 'weights' must hold exactly the model's weights; missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]`,
    );
  }
  for (const [name, expected] of Object.entries(current)) {
    const value = weights[name];
    if (!(value instanceof tf.Tensor) || value.isDisposed || value.dtype !== expected.dtype) {
      throw invalidArgument(
        fn,
        `weights['${name}']`,
        value,
        `must be a live ${expected.dtype} tensor`,
      );
    }
    if (!tf.util.arraysEqual(value.shape, expected.shape)) {
      throw new ShapeMismatchError(
        `${fn}: weight '${name}' has shape [${expected.shape.join(', ')}], got [${value.shape.join(', ')}]`,
      );
    }
  }
}
