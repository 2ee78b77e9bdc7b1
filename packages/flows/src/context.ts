import {
  type Bijector,
  InvalidArgumentError,
  invalidArgument,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** What {@link ContextBoundBijector} needs of a conditional learned bijector. */
interface Conditional {
  readonly eventRank: number;
  readonly isConstantJacobian: boolean;
  readonly name: string;
  forward(x: tf.Tensor, context?: tf.Tensor): tf.Tensor;
  inverse(y: tf.Tensor, context?: tf.Tensor): tf.Tensor;
  forwardAndLogDet(x: tf.Tensor, context?: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor };
  inverseAndLogDet(y: tf.Tensor, context?: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor };
}

/**
 * The context of a call, checked: `null` for an unconditional layer (which refuses one), else a
 * live float32 `[..., C]` tensor whose leading axes are `lead` (the input's) or that holds one
 * row (`[C]`, `[1, C]`), shared. `lead` null skips the leading-axes check (no input yet).
 */
export function checkContext(
  fn: string,
  context: unknown,
  conditionSize: number,
  lead: readonly number[] | null,
): tf.Tensor | null {
  if (conditionSize === 0) {
    if (context === undefined) return null;
    throw invalidArgument(
      fn,
      'context',
      context,
      'applies to a conditional layer only (built with conditionSize)',
    );
  }
  if (context === undefined) {
    throw new InvalidArgumentError(
      `${fn}: argument 'context' is required: the layer is conditional (conditionSize ${conditionSize}); pass it as the second argument or use withContext(context)`,
    );
  }
  if (!(context instanceof tf.Tensor) || context.isDisposed) {
    throw invalidArgument(fn, 'context', context, 'must be a live tf.Tensor');
  }
  if (context.dtype !== 'float32') {
    throw invalidArgument(fn, 'context', context, 'must have dtype float32');
  }
  const shared = context.size === conditionSize && context.rank <= 2;
  const last = context.shape[context.rank - 1];
  const leadOk =
    lead === null || shared || tf.util.arraysEqual(context.shape.slice(0, -1), [...lead]);
  if (context.rank === 0 || last !== conditionSize || !leadOk) {
    const want = lead === null ? '[..., C]' : `[${[...lead, conditionSize].join(', ')}]`;
    throw new ShapeMismatchError(
      `${fn}: argument 'context' must have shape ${want.replace('C', String(conditionSize))} (or one row [1, ${conditionSize}]), got [${context.shape.join(', ')}]`,
    );
  }
  return context;
}

/**
 * A conditional layer with its context bound: the `Bijector` contract on one tensor, each
 * method calling the layer's with the context. Owns nothing.
 */
export class ContextBoundBijector implements Bijector {
  readonly eventRank: number;
  readonly isConstantJacobian: boolean;

  constructor(
    private readonly layer: Conditional,
    private readonly context: tf.Tensor,
  ) {
    this.eventRank = layer.eventRank;
    this.isConstantJacobian = layer.isConstantJacobian;
  }

  /** The bound layer's name. */
  get name(): string {
    return this.layer.name;
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.layer.forward(x, this.context);
  }

  inverse(y: tf.Tensor): tf.Tensor {
    return this.layer.inverse(y, this.context);
  }

  forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    return this.layer.forwardAndLogDet(x, this.context);
  }

  inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    return this.layer.inverseAndLogDet(y, this.context);
  }
}
