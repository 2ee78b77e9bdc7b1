import {
  type Bijector,
  type Distribution,
  InvalidArgumentError,
  invalidArgument,
  type NamedTensors,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** A part of a flow that owns named variables (a @gen/nn Module, e.g. every learned bijector). */
interface NamedModule {
  namedWeights(): Record<string, tf.Variable>;
  setWeights(weights: NamedTensors): void;
}

function isNamedModule(part: unknown): part is NamedModule {
  const p = part as Partial<NamedModule> | null;
  return typeof p?.namedWeights === 'function' && typeof p.setWeights === 'function';
}

/** One weight of a flow: its variable and how to assign it. */
interface Slot {
  variable: tf.Variable;
  /** Index of the module-transform it belongs to, or −1 for a variable assigned directly. */
  transform: number;
  /** The name inside that module. */
  inner: string;
}

/**
 * Every trainable variable of a flow by name: `transforms/<i>/<module weight name>` for Module
 * transforms (e.g. `transforms/0/affineCoupling/conditioner/dense0/kernel`),
 * `transforms/<i>/<j>` for other transforms exposing `trainableVariables`, and
 * `base/<param>` for trainable variables among the base distribution's params.
 */
export function flowSlots(base: Distribution, transforms: readonly Bijector[]) {
  const slots: Record<string, Slot> = {};
  transforms.forEach((t, i) => {
    if (isNamedModule(t)) {
      for (const [inner, variable] of Object.entries(t.namedWeights())) {
        slots[`transforms/${i}/${inner}`] = { variable, transform: i, inner };
      }
      return;
    }
    const own = (t as { trainableVariables?: unknown }).trainableVariables;
    if (Array.isArray(own)) {
      own.forEach((variable: unknown, j) => {
        if (variable instanceof tf.Variable) {
          slots[`transforms/${i}/${j}`] = { variable, transform: -1, inner: String(j) };
        }
      });
    }
  });
  for (const [name, p] of Object.entries(base.params)) {
    if (p instanceof tf.Variable && p.trainable) {
      slots[`base/${name}`] = { variable: p, transform: -1, inner: name };
    }
  }
  return slots;
}

/** Assigns all of `weights` (exactly the flow's names, matching shapes), or nothing. */
export function assignFlowWeights(
  slots: Record<string, Slot>,
  transforms: readonly Bijector[],
  weights: NamedTensors,
): void {
  const fn = 'Flow.setWeights';
  if (weights === null || typeof weights !== 'object') {
    throw invalidArgument(fn, 'weights', weights, 'must be an object of named tensors');
  }
  const missing = Object.keys(slots).filter((name) => !Object.hasOwn(weights, name));
  const unexpected = Object.keys(weights).filter((name) => !Object.hasOwn(slots, name));
  if (missing.length > 0 || unexpected.length > 0) {
    throw new InvalidArgumentError(
      `${fn}: argument 'weights' must hold exactly the flow's weights; missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]`,
    );
  }
  for (const [name, { variable }] of Object.entries(slots)) {
    const value = weights[name];
    if (!(value instanceof tf.Tensor) || value.isDisposed || value.dtype !== variable.dtype) {
      throw invalidArgument(
        fn,
        `weights['${name}']`,
        value,
        `must be a live ${variable.dtype} tensor`,
      );
    }
    if (!tf.util.arraysEqual(value.shape, variable.shape)) {
      throw new ShapeMismatchError(
        `${fn}: weight '${name}' has shape [${variable.shape.join(', ')}], got [${value.shape.join(', ')}]`,
      );
    }
  }
  const perModule = new Map<number, NamedTensors>();
  for (const [name, slot] of Object.entries(slots)) {
    if (slot.transform < 0) {
      slot.variable.assign(weights[name]!);
      continue;
    }
    const group = perModule.get(slot.transform) ?? {};
    group[slot.inner] = weights[name]!;
    perModule.set(slot.transform, group);
  }
  // Through each module's own setWeights, so that e.g. ActNorm records that it is initialised.
  for (const [i, group] of perModule) (transforms[i] as unknown as NamedModule).setWeights(group);
}
