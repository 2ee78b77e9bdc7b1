import { InvalidArgumentError, type NamedTensors } from '@gen/core';
import type { Module } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';

/** Copies of every module's weights, keyed `<part>/<module's own name>`. */
export function joinWeights(parts: Record<string, Module>): NamedTensors {
  const out: NamedTensors = {};
  for (const [part, module] of Object.entries(parts)) {
    for (const [name, t] of Object.entries(module.getWeights())) out[`${part}/${name}`] = t;
  }
  return out;
}

/** Inverse of {@link joinWeights}: routes `<part>/…` names to each module's `setWeights`. */
export function splitWeights(
  fn: string,
  weights: NamedTensors,
  parts: Record<string, Module>,
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
  // Validate every part before assigning any, so a mismatch leaves all weights unchanged.
  for (const [part, module] of Object.entries(parts)) {
    const own = Object.keys(module.namedWeights()).sort();
    const given = Object.keys(split[part]!).sort();
    if (own.join('\n') !== given.join('\n')) {
      throw new InvalidArgumentError(
        `${fn}: the '${part}' weights must be exactly [${own.map((n) => `${part}/${n}`).join(', ')}]`,
      );
    }
  }
  for (const [part, module] of Object.entries(parts)) module.setWeights(split[part]!);
}

/** Clips every variable to [−c, c] in place (WGAN weight clipping). */
export function clipWeights(variables: readonly tf.Variable[], c: number): void {
  for (const v of variables) {
    const clipped = tf.clipByValue(v, -c, c);
    v.assign(clipped);
    clipped.dispose();
  }
}
