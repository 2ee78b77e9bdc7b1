import {
  assertFiniteTensor,
  type Bijector,
  InvalidArgumentError,
  invalidArgument,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { sumRightmost } from './flow-parts.js';

/** The conditionSize of a transform (0 for any bijector that is not a conditional layer). */
export function conditionSizeOf(t: Bijector): number {
  const size = (t as { conditionSize?: unknown }).conditionSize;
  return typeof size === 'number' ? size : 0;
}

/** The one conditionSize of a flow's conditional transforms (0 if none); they must agree. */
export function flowConditionSize(fn: string, transforms: readonly Bijector[]): number {
  const sizes = [...new Set(transforms.map(conditionSizeOf).filter((c) => c > 0))];
  if (sizes.length > 1) {
    throw new InvalidArgumentError(
      `${fn}: the conditional transforms disagree on conditionSize (${sizes.join(', ')}); a flow has one condition`,
    );
  }
  return sizes[0] ?? 0;
}

/**
 * The condition of a Flow call, checked: `null` for an unconditional flow (which refuses one),
 * else a live float32 `[...lead, C]` (the leading axes of the data) or one row `[1, C]`, finite.
 * `arg` names it in errors; `batchArg` (for `loss`) names the batch when it is missing or extra.
 */
export function checkFlowCondition(
  fn: string,
  arg: string,
  condition: unknown,
  conditionSize: number,
  lead: readonly number[],
  batchArg?: { value: unknown },
): tf.Tensor | null {
  if (conditionSize === 0) {
    if (condition === undefined) return null;
    if (batchArg !== undefined) {
      throw invalidArgument(
        fn,
        'batch',
        batchArg.value,
        'must be a tensor: the flow is unconditional',
      );
    }
    throw invalidArgument(fn, arg, condition, 'applies to a conditional flow only');
  }
  if (condition === undefined) {
    if (batchArg !== undefined) {
      throw invalidArgument(
        fn,
        'batch',
        batchArg.value,
        `must be { x, condition } with condition [n, ${conditionSize}]: the flow is conditional`,
      );
    }
    throw invalidArgument(
      fn,
      arg,
      condition,
      `is required: the flow is conditional (conditionSize ${conditionSize})`,
    );
  }
  if (!(condition instanceof tf.Tensor) || condition.isDisposed) {
    throw invalidArgument(fn, arg, condition, 'must be a live tf.Tensor');
  }
  const shared = condition.rank === 2 && condition.shape[0] === 1 && batchArg === undefined;
  const want = [...lead, conditionSize];
  if (!shared && !tf.util.arraysEqual(condition.shape, want)) {
    throw new ShapeMismatchError(
      `${fn}: argument '${arg}' must have shape [${want.join(', ')}]${batchArg === undefined ? ` or [1, ${conditionSize}]` : ''}, got [${condition.shape.join(', ')}]`,
    );
  }
  if (condition.dtype !== 'float32') {
    throw invalidArgument(fn, arg, condition, 'must have dtype float32');
  }
  assertFiniteTensor(fn, arg, condition);
  return condition;
}

function run(
  t: Bijector,
  method: 'forwardAndLogDet',
  v: tf.Tensor,
  c: tf.Tensor | null,
): { y: tf.Tensor; logDet: tf.Tensor };
function run(
  t: Bijector,
  method: 'inverseAndLogDet',
  v: tf.Tensor,
  c: tf.Tensor | null,
): { x: tf.Tensor; logDet: tf.Tensor };
function run(
  t: Bijector,
  method: 'forwardAndLogDet' | 'inverseAndLogDet',
  v: tf.Tensor,
  c: tf.Tensor | null,
) {
  const call = t[method] as (v: tf.Tensor, c?: tf.Tensor) => { logDet: tf.Tensor };
  return c !== null && conditionSizeOf(t) > 0 ? call.call(t, v, c) : call.call(t, v);
}

/**
 * z = f₁⁻¹ ∘ … ∘ f_K⁻¹(x) and Σ_k log |det ∂f_k⁻¹/∂y| summed over the event (`eventRank` axes),
 * each conditional transform given `condition`. Call inside `tf.tidy`.
 */
export function inverseThrough(
  transforms: readonly Bijector[],
  x: tf.Tensor,
  condition: tf.Tensor | null,
  eventRank: number,
): { z: tf.Tensor; logDet: tf.Tensor } {
  let v = x;
  let total: tf.Tensor = tf.zeros(x.shape.slice(0, x.rank - eventRank));
  for (const t of [...transforms].reverse()) {
    const step = run(t, 'inverseAndLogDet', v, condition);
    v = step.x;
    total = tf.add(total, sumRightmost(step.logDet, eventRank - t.eventRank));
  }
  return { z: v, logDet: total };
}

/** x = f_K ∘ … ∘ f₁(z) and Σ_k log |det ∂f_k/∂z_k|, as {@link inverseThrough}. */
export function forwardThrough(
  transforms: readonly Bijector[],
  z: tf.Tensor,
  condition: tf.Tensor | null,
  eventRank: number,
): { x: tf.Tensor; logDet: tf.Tensor } {
  let v = z;
  let total: tf.Tensor = tf.zeros(z.shape.slice(0, z.rank - eventRank));
  for (const t of transforms) {
    const step = run(t, 'forwardAndLogDet', v, condition);
    v = step.y;
    total = tf.add(total, sumRightmost(step.logDet, eventRank - t.eventRank));
  }
  return { x: v, logDet: total };
}
