import { type CostFunction, type Distribution, ShapeMismatchError } from '@gen/core';
import { isIndependent } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { evaluateCost, familyName } from './cost.js';
import type { WeakDerivativeDraws } from './weak-derivatives/registry.js';

/** How the cost sees the base family's axes: `[...outer, ...inner, ...event]`. */
export interface CoordinateLayout {
  /** Batch axes of the distribution the cost receives (the estimator's batch). */
  outer: readonly number[];
  /** Batch axes of the base family that `Independent` made event axes (coordinates). */
  inner: readonly number[];
  /** Event axes of the base family. */
  event: readonly number[];
}

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Peels `Independent` wrappers: the base family and how its axes split. */
export function unwrapIndependent(dist: Distribution): {
  base: Distribution;
  layout: CoordinateLayout;
} {
  let base = dist;
  let innerRank = 0;
  while (isIndependent(base)) {
    innerRank += base.reinterpretedBatchRank;
    base = base.base;
  }
  const split = base.batchShape.length - innerRank;
  return {
    base,
    layout: {
      outer: base.batchShape.slice(0, split),
      inner: base.batchShape.slice(split),
      event: [...base.eventShape],
    },
  };
}

/**
 * Mean cost when one coordinate at a time is replaced by a weak-derivative draw.
 *
 * `draws` `[slots, n, ...outer, ...inner, ...event]`, `base` `[n, ...outer, ...inner, ...event]`.
 * For each of the D = Π inner coordinates i and slot j, the draw xᵢ⁽ʲ⁾ replaces coordinate i of
 * the shared base draws (the other coordinates stay as drawn from p, common to both sides), the
 * cost is evaluated, and its mean over n is taken: returns `[D, slots, ...outer]`. Without inner
 * axes (D = 1) the draws replace every batch element at once, since the cost of batch element b
 * depends only on element b. Costs 2·D·slots·n evaluations per parameter in one batched call.
 */
function coordinateMeans(
  fn: string,
  cost: CostFunction,
  draws: tf.Tensor,
  base: tf.Tensor,
  layout: CoordinateLayout,
): tf.Tensor {
  const [slots, n] = [draws.shape[0]!, draws.shape[1]!];
  const coordinates = product(layout.inner);
  let x: tf.Tensor;
  if (layout.inner.length === 0) {
    x = draws;
  } else {
    // Rank-4 broadcasting arithmetic, exact (x·0 + y·1), and far faster than tile/where on wasm.
    const [rows, width] = [n * product(layout.outer), coordinates * product(layout.event)];
    const eventSize = product(layout.event);
    const eye = tf.mul(
      tf.reshape(tf.eye(coordinates), [coordinates, coordinates, 1]),
      tf.ones([1, 1, eventSize]),
    );
    const mask = tf.reshape(eye, [coordinates, 1, 1, width]);
    const kept = tf.mul(tf.reshape(base, [1, 1, rows, width]), tf.sub(1, mask));
    x = tf.add(kept, tf.mul(tf.reshape(draws, [1, slots, rows, width]), mask));
  }
  const flat = tf.reshape(x, [coordinates * slots * n, ...base.shape.slice(1)]);
  const c = evaluateCost(fn, cost, flat, layout.outer);
  return tf.mean(tf.reshape(c, [coordinates, slots, n, ...layout.outer]), 2);
}

/**
 * The measure-valued gradient ĝ_θ = c_θ (E_{p⁺}[f] − E_{p⁻}[f]) of one parameter `theta`, in its
 * shape, from detached `draws` (a missing side means p itself, whose mean cost over the shared
 * draws `base` is `baseMean`, `[...outer]`). Throws if `theta`'s shape does not fit the layout.
 * With a `surrogate` hook in `draws`, returns the per-slot estimates `[...batch, slots]` instead
 * (their map to the parameter is the hook's).
 */
export function weakGradient(
  fn: string,
  cost: CostFunction,
  param: { name: string; theta: tf.Tensor; family: Distribution },
  draws: WeakDerivativeDraws,
  shared: { base: tf.Tensor; baseMean: tf.Tensor; layout: CoordinateLayout },
): tf.Tensor {
  const { theta, name } = param;
  const { layout } = shared;
  const side = (d: tf.Tensor | undefined) =>
    d === undefined ? shared.baseMean : coordinateMeans(fn, cost, d, shared.base, layout);
  const diff = tf.sub(side(draws.positive), side(draws.negative));
  const slots = Math.max(draws.positive?.shape[0] ?? 1, draws.negative?.shape[0] ?? 1);
  const batch = [...layout.outer, ...layout.inner];
  // A parameter with one axis more than the batch (Categorical) has one slot per entry.
  const full =
    draws.surrogate !== undefined || theta.rank === batch.length + 1 ? [...batch, slots] : batch;
  if (draws.surrogate === undefined && !tf.util.arraysEqual(theta.shape, full)) {
    throw new ShapeMismatchError(
      `${fn}: parameter '${name}' of ${familyName(param.family)} has shape [${theta.shape.join(', ')}], expected [${full.join(', ')}] for its weak derivative`,
    );
  }
  // [D, slots, ...outer] → [...outer, D, slots] → the parameter's shape (D flattens `inner`).
  const spread = tf.add(diff, tf.zeros([product(layout.inner), slots, ...layout.outer]));
  const perm = [...Array.from({ length: spread.rank - 2 }, (_, i) => i + 2), 0, 1];
  return tf.mul(tf.reshape(tf.transpose(spread, perm), full), draws.constant);
}
