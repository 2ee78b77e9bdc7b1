import { assertFiniteNumber, assertOneOf, invalidArgument, softplus } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** Activations known by name. */
export type ActivationName =
  | 'none'
  | 'relu'
  | 'leakyRelu'
  | 'tanh'
  | 'elu'
  | 'softplus'
  | 'sigmoid';

/** An activation by name, or a leaky ReLU with its own negative slope. */
export type Activation = ActivationName | { name: 'leakyRelu'; slope: number };

/** Negative slope of `'leakyRelu'` when none is given (the usual choice for GAN critics). */
const DEFAULT_LEAKY_SLOPE = 0.2;

const NAMES: readonly ActivationName[] = [
  'none',
  'relu',
  'leakyRelu',
  'tanh',
  'elu',
  'softplus',
  'sigmoid',
];

/** An elementwise activation function given by spec; `fn` and `arg` name the caller in errors. */
export function resolveActivation(
  fn: string,
  arg: string,
  spec: Activation,
): (x: tf.Tensor) => tf.Tensor {
  if (typeof spec === 'object' && spec !== null) {
    if (spec.name !== 'leakyRelu') {
      throw invalidArgument(fn, `${arg}.name`, spec.name, "must be 'leakyRelu'");
    }
    const { slope } = spec;
    assertFiniteNumber(fn, `${arg}.slope`, slope);
    return (x) => tf.leakyRelu(x, slope);
  }
  assertOneOf(fn, arg, spec, NAMES);
  switch (spec) {
    case 'none':
      return (x) => x;
    case 'relu':
      return tf.relu;
    case 'leakyRelu':
      return (x) => tf.leakyRelu(x, DEFAULT_LEAKY_SLOPE);
    case 'tanh':
      return tf.tanh;
    case 'elu':
      return tf.elu;
    case 'softplus':
      return softplus;
    case 'sigmoid':
      return tf.sigmoid;
  }
}

/** An activation tfjs's fused matmul kernel applies itself (its `activation` attribute). */
export type FusedActivationName = 'linear' | 'relu' | 'leakyrelu' | 'elu' | 'sigmoid';

/** How a dense layer applies an activation: inside the fused matmul kernel, after it, or both. */
export interface ActivationPlan {
  /** The whole activation as one elementwise function. */
  activate: (x: tf.Tensor) => tf.Tensor;
  /** What the fused kernel applies ('linear' when it cannot apply the activation). */
  fused: FusedActivationName;
  /** Negative slope for `fused: 'leakyrelu'` (0 otherwise). */
  leakyreluAlpha: number;
  /** Applied after the kernel when the kernel cannot apply the activation, else null. */
  after: ((x: tf.Tensor) => tf.Tensor) | null;
}

/**
 * The activation of `spec` split for the fused dense path; `fn` and `arg` name the caller in
 * errors. tanh and softplus have no fused form in tfjs, so they run after a linear kernel. A
 * leaky ReLU with a negative slope does too: its gradient is read off the kernel's output
 * (y > 0 ⇔ x > 0), which needs slope ≥ 0.
 */
export function resolveActivationPlan(fn: string, arg: string, spec: Activation): ActivationPlan {
  const activate = resolveActivation(fn, arg, spec);
  const unfused = { activate, fused: 'linear', leakyreluAlpha: 0, after: activate } as const;
  const name = typeof spec === 'object' ? spec.name : spec;
  switch (name) {
    case 'none':
      return { activate, fused: 'linear', leakyreluAlpha: 0, after: null };
    case 'relu':
    case 'elu':
    case 'sigmoid':
      return { activate, fused: name, leakyreluAlpha: 0, after: null };
    case 'leakyRelu': {
      const slope = typeof spec === 'object' ? spec.slope : DEFAULT_LEAKY_SLOPE;
      if (slope < 0) return unfused;
      return { activate, fused: 'leakyrelu', leakyreluAlpha: slope, after: null };
    }
    default:
      return unfused;
  }
}

/**
 * The elementwise function behind an activation spec:
 * relu = max(x, 0); leakyRelu = x for x ≥ 0, slope·x otherwise (slope 0.2 unless given);
 * elu = x for x ≥ 0, eˣ − 1 otherwise; softplus = log(1 + eˣ) (stable form from @gen/core);
 * sigmoid = 1 / (1 + e⁻ˣ); none = identity. Shapes are preserved.
 *
 * ```ts
 * const f = getActivation({ name: 'leakyRelu', slope: 0.1 });
 * f(tf.tensor1d([-1, 2])); // [-0.1, 2]
 * ```
 */
export function getActivation(activation: Activation): (x: tf.Tensor) => tf.Tensor {
  return resolveActivation('getActivation', 'activation', activation);
}
