import {
  InvalidArgumentError,
  type NamedTensors,
  type Network,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** Copies of every network's weights, keyed `<part>/<the network's own name>`. */
export function joinWeights(parts: Record<string, Network>): NamedTensors {
  const out: NamedTensors = {};
  for (const [part, network] of Object.entries(parts)) {
    for (const [name, t] of Object.entries(network.getWeights())) out[`${part}/${name}`] = t;
  }
  return out;
}

/** Name → [shape, dtype] of a network's weights (read from copies, which are released). */
function weightSpecs(network: Network): Map<string, [number[], tf.DataType]> {
  const copies = network.getWeights();
  const specs = new Map(
    Object.entries(copies).map(([name, t]) => [
      name,
      [t.shape, t.dtype] as [number[], tf.DataType],
    ]),
  );
  tf.dispose(copies);
  return specs;
}

/**
 * Inverse of {@link joinWeights}: routes `<part>/…` names to each network's `setWeights`. Names,
 * shapes and dtypes of every part are checked first, so a mismatch leaves all weights unchanged.
 */
export function splitWeights(
  fn: string,
  weights: NamedTensors,
  parts: Record<string, Network>,
): void {
  if (weights === null || typeof weights !== 'object') {
    throw new InvalidArgumentError(`${fn}: argument 'weights' must be an object of named tensors`);
  }
  const split: Record<string, NamedTensors> = {};
  for (const part of Object.keys(parts)) split[part] = {};
  for (const [key, t] of Object.entries(weights)) {
    const cut = key.indexOf('/');
    const target = cut < 0 ? undefined : split[key.slice(0, cut)];
    if (target === undefined) throw new InvalidArgumentError(`${fn}: unexpected weight '${key}'`);
    target[key.slice(cut + 1)] = t;
  }
  for (const [part, network] of Object.entries(parts)) {
    const specs = weightSpecs(network);
    const own = [...specs.keys()].sort();
    const given = Object.keys(split[part]!).sort();
    if (own.join('\n') !== given.join('\n')) {
      throw new InvalidArgumentError(
        `${fn}: the '${part}' weights must be exactly [${own.map((n) => `${part}/${n}`).join(', ')}]`,
      );
    }
    for (const [name, [shape, dtype]] of specs) {
      const t = split[part]![name];
      if (!(t instanceof tf.Tensor) || t.isDisposed) {
        throw new InvalidArgumentError(`${fn}: weight '${part}/${name}' must be a live tf.Tensor`);
      }
      if (t.dtype !== dtype || !tf.util.arraysEqual(t.shape, shape)) {
        throw new ShapeMismatchError(
          `${fn}: weight '${part}/${name}' must be ${dtype} [${shape.join(', ')}], ` +
            `got ${t.dtype} [${t.shape.join(', ')}]`,
        );
      }
    }
  }
  for (const [part, network] of Object.entries(parts)) network.setWeights(split[part]!);
}

/** Clips every variable to [−c, c] in place (WGAN weight clipping). */
export function clipWeights(variables: readonly tf.Variable[], c: number): void {
  for (const v of variables) {
    const clipped = tf.clipByValue(v, -c, c);
    v.assign(clipped);
    clipped.dispose();
  }
}
