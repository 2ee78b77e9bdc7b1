import {
  type Distribution,
  formatValue,
  InvalidArgumentError,
  NotImplementedError,
} from '@gen/core';
import { Independent, isIndependent, type ParamLike } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { familyName } from '../cost.js';

/**
 * A distribution given by its parameters: `make` is called inside the differentiated function
 * with tensors named like `params`, so gradients reach them however the distribution uses
 * them (through a log-scale, a softmax, …).
 *
 * ```ts
 * const factory = {
 *   params: { loc: 0, logScale: 0 },
 *   make: (p) => new Normal({ loc: p.loc, scale: tf.exp(p.logScale) }),
 * };
 * ```
 */
export interface DistributionFactory {
  /** Initial values by name (numbers, arrays or tensors; copied). */
  params: Record<string, ParamLike>;
  /** Builds the distribution from parameter tensors. */
  make(params: Record<string, tf.Tensor>): Distribution;
}

/** Whether `x` is a {@link DistributionFactory} rather than a distribution. */
export function isFactory(x: unknown): x is DistributionFactory {
  return (
    typeof x === 'object' && x !== null && typeof (x as DistributionFactory).make === 'function'
  );
}

type Constructor = new (params: Record<string, unknown>) => Distribution;

/**
 * Rebuilds `dist` from parameter tensors by the @gen convention that a family's constructor
 * takes an options object keyed like its `params` (`new Normal({ loc, scale })`), recursing
 * through `Independent`. Derived tensors (normalised logits, probabilities from logits) are
 * then recomputed on the gradient tape.
 */
function rebuild(dist: Distribution, params: Record<string, tf.Tensor>): Distribution {
  if (isIndependent(dist)) {
    return new Independent(rebuild(dist.base, params), dist.reinterpretedBatchRank, {
      validateArgs: false,
    });
  }
  const Ctor = (dist as { constructor: unknown }).constructor as Constructor;
  return new Ctor({ ...params, validateArgs: false });
}

/**
 * Resolves `dist` (a distribution or a factory) into parameter tensors and a builder. A
 * distribution is checked to rebuild from its own `params`; the returned `owned` tensors are
 * the caller's to dispose.
 */
export function resolveFactory(
  fn: string,
  dist: Distribution | DistributionFactory,
): { params: Record<string, tf.Tensor>; make: DistributionFactory['make']; owned: tf.Tensor[] } {
  if (isFactory(dist)) {
    const owned: tf.Tensor[] = [];
    const params: Record<string, tf.Tensor> = {};
    for (const [name, value] of Object.entries(dist.params ?? {})) {
      try {
        params[name] =
          value instanceof tf.Tensor
            ? tf.tidy(() => tf.clone(tf.cast(value, 'float32')))
            : tf.tensor(value as number[], undefined, 'float32');
      } catch (cause) {
        tf.dispose(owned);
        throw new InvalidArgumentError(
          `${fn}: parameter '${name}' must be a number, an array or a tensor, got ${formatValue(value)}`,
          { cause },
        );
      }
      owned.push(params[name]!);
    }
    return { params, make: (p) => dist.make(p), owned };
  }
  const params = { ...dist.params };
  try {
    const probe = rebuild(dist, params);
    const same =
      Object.getPrototypeOf(probe) === Object.getPrototypeOf(dist) &&
      tf.util.arraysEqual([...probe.batchShape], [...dist.batchShape]) &&
      tf.util.arraysEqual([...probe.eventShape], [...dist.eventShape]);
    (probe as { dispose?: () => void }).dispose?.();
    if (!same) throw new Error('the rebuilt distribution differs');
  } catch (cause) {
    throw new NotImplementedError(
      `${fn}: cannot rebuild ${familyName(dist)} from its params (${Object.keys(params).join(', ')}); pass { params, make } instead of the distribution`,
      { cause },
    );
  }
  return { params, make: (p) => rebuild(dist, p), owned: [] };
}
