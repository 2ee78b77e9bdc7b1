import {
  InvalidArgumentError,
  invalidArgument,
  type NamedTensors,
  type Network,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

interface Expected {
  dtype: tf.DataType;
  shape: number[];
  /** Index of the network part it belongs to and its name there, or −1 for an own weight. */
  part: number;
  inner: string;
}

/**
 * Assigns a learned bijector's own variables and its network parts from `weights`, named
 * `<root>/<own weight>` and `<root>/<part weight>`. Everything is checked (exactly the expected
 * names, live tensors of matching dtype and shape) before anything is assigned; parts are
 * assigned through their own `setWeights`.
 */
export function assignLearnedWeights(
  fn: string,
  root: string,
  own: readonly { name: string; variable: tf.Variable }[],
  parts: readonly Network[],
  weights: NamedTensors,
): void {
  if (weights === null || typeof weights !== 'object') {
    throw invalidArgument(fn, 'weights', weights, 'must be an object of named tensors');
  }
  const expected: Record<string, Expected> = {};
  for (const { name, variable } of own) {
    const entry = { dtype: variable.dtype, shape: variable.shape, part: -1, inner: name };
    expected[`${root}/${name}`] = entry;
  }
  parts.forEach((part, i) => {
    const current = part.getWeights();
    for (const [inner, w] of Object.entries(current)) {
      expected[`${root}/${inner}`] = { dtype: w.dtype, shape: w.shape, part: i, inner };
    }
    tf.dispose(Object.values(current));
  });
  const missing = Object.keys(expected).filter((name) => !Object.hasOwn(weights, name));
  const unexpected = Object.keys(weights).filter((name) => !Object.hasOwn(expected, name));
  if (missing.length > 0 || unexpected.length > 0) {
    throw new InvalidArgumentError(
      `${fn}: argument 'weights' must hold exactly the weights of '${root}'` +
        `; missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]`,
    );
  }
  for (const [name, { dtype, shape }] of Object.entries(expected)) {
    const value = weights[name];
    if (!(value instanceof tf.Tensor) || value.isDisposed) {
      throw invalidArgument(fn, `weights['${name}']`, value, 'must be a live tf.Tensor');
    }
    if (value.dtype !== dtype) {
      throw invalidArgument(fn, `weights['${name}']`, value, `must have dtype ${dtype}`);
    }
    if (!tf.util.arraysEqual(value.shape, shape)) {
      throw new ShapeMismatchError(
        `${fn}: weight '${name}' has shape [${shape.join(', ')}], got [${value.shape.join(', ')}]`,
      );
    }
  }
  const groups = parts.map((): NamedTensors => ({}));
  for (const [name, { part, inner }] of Object.entries(expected)) {
    if (part >= 0) groups[part]![inner] = weights[name]!;
  }
  // assign() shares the data by reference count: the caller's tensors stay valid.
  own.forEach(({ name, variable }) => {
    variable.assign(weights[`${root}/${name}`]!);
  });
  parts.forEach((part, i) => {
    part.setWeights(groups[i]!);
  });
}
