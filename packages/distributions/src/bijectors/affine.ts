import { InvalidArgumentError, ShapeMismatchError, triangularSolve } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { checkParamsObject } from '../options.js';
import type { ParamLike } from '../param.js';
import { BaseBijector, type BijectorOptions } from './bijector.js';
import { checkBroadcast, checkInterval, REAL } from './domain.js';
import { checkNonZero } from './scale.js';

export interface AffineParams extends BijectorOptions {
  /** Added after scaling (default 0); broadcasts against the input. */
  shift?: ParamLike;
  /** Elementwise non-zero scale (default 1). Exclusive with `scaleTril`. */
  scale?: ParamLike;
  /** Lower-triangular [..., d, d] with a non-zero diagonal: y = shift + L x on [..., d] events. */
  scaleTril?: ParamLike;
}

/**
 * Affine map y = shift + scale · x (elementwise, `eventRank` 0, log |det J| = log |scale| per
 * element), or y = shift + L x with a lower-triangular `scaleTril` L (`eventRank` 1,
 * log |det J| = Σᵢ log |Lᵢᵢ|; inverse by triangular solve). Entries of `scaleTril` above the
 * diagonal must be zero.
 *
 * ```ts
 * const b = new Affine({ shift: [1, 2], scaleTril: [[2, 0], [1, 3]] });
 * b.forwardAndLogDet(tf.tensor1d([1, 1]));            // y [3, 6], logDet log 6
 * ```
 */
export class Affine extends BaseBijector {
  readonly eventRank: number;
  readonly isConstantJacobian = true;
  readonly shift: tf.Tensor | undefined;
  readonly scale: tf.Tensor | undefined;
  readonly scaleTril: tf.Tensor | undefined;

  constructor(params: AffineParams) {
    checkParamsObject('Affine', params, ['shift', 'scale', 'scaleTril']);
    const { shift, scale, scaleTril, ...options } = params;
    super(options);
    if (scale !== undefined && scaleTril !== undefined) {
      throw new InvalidArgumentError(
        "Affine: pass at most one of 'scale' (elementwise) or 'scaleTril' (matrix), got both",
      );
    }
    const given: Record<string, tf.Tensor> = {};
    this.guard(() => {
      for (const [name, value] of Object.entries({ shift, scale, scaleTril })) {
        if (value !== undefined) given[name] = this.param(name, value);
      }
      if (given.scaleTril) checkTril(given.scaleTril, this.validateArgs);
      if (!this.validateArgs) return;
      if (given.shift) checkInterval('Affine', 'shift', given.shift, REAL);
      if (given.scale) checkNonZero('Affine', 'scale', given.scale);
    });
    this.shift = given.shift;
    this.scale = given.scale;
    this.scaleTril = given.scaleTril;
    this.eventRank = this.scaleTril ? 1 : 0;
  }

  protected override checkShape(fn: string, arg: string, t: tf.Tensor): void {
    super.checkShape(fn, arg, t);
    if (!this.scaleTril) return;
    const d = this.scaleTril.shape[this.scaleTril.rank - 1];
    if (t.shape[t.rank - 1] !== d) {
      throw new ShapeMismatchError(
        `${fn}: argument '${arg}' must end with the event size ${d} of 'scaleTril', got shape [${t.shape.join(', ')}]`,
      );
    }
    const batch = t.shape.slice(0, -1);
    checkBroadcast(fn, arg, batch, 'scaleTril (batch)', this.scaleTril.shape.slice(0, -2));
    if (this.shift) checkBroadcast(fn, arg, t.shape, 'shift', this.shift.shape);
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    let y = x;
    if (this.scale) y = tf.mul(y, this.scale);
    if (this.scaleTril) {
      const [l, v] = broadcastMatVec(this.scaleTril, y);
      y = tf.squeeze(tf.matMul(l, tf.expandDims(v, -1)), [-1]);
    }
    if (this.shift) y = tf.add(y, this.shift);
    return { y: y === x ? tf.clone(x) : y, logDet: this.logDet(y) };
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    let x = this.shift ? tf.sub(y, this.shift) : y;
    if (this.scale) x = tf.div(x, this.scale);
    if (this.scaleTril) {
      const [l, v] = broadcastMatVec(this.scaleTril, x);
      x = tf.squeeze(triangularSolve(l, tf.expandDims(v, -1)), [-1]);
    }
    return { x: x === y ? tf.clone(y) : x, logDet: tf.neg(this.logDet(x)) };
  }

  /** Forward log-det, broadcast to the batch of `t` (an input or output). */
  private logDet(t: tf.Tensor): tf.Tensor {
    if (this.scaleTril) {
      const diag = tf.sum(tf.mul(this.scaleTril, tf.eye(t.shape[t.rank - 1]!)), -1);
      return tf.broadcastTo(tf.sum(tf.log(tf.abs(diag)), -1), t.shape.slice(0, -1));
    }
    return this.scale ? tf.broadcastTo(tf.log(tf.abs(this.scale)), t.shape) : tf.zerosLike(t);
  }
}

/** Broadcasts a [..., d, d] matrix and a [..., d] vector to one batch shape. */
function broadcastMatVec(l: tf.Tensor, v: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const batch = tf.broadcast_util.assertAndGetBroadcastShape(
    l.shape.slice(0, -2),
    v.shape.slice(0, -1),
  );
  const d = v.shape[v.rank - 1]!;
  return [tf.broadcastTo(l, [...batch, d, d]), tf.broadcastTo(v, [...batch, d])];
}

function checkTril(l: tf.Tensor, values: boolean): void {
  const d = l.shape[l.rank - 1];
  if (l.rank < 2 || d === undefined || d !== l.shape[l.rank - 2]) {
    throw new ShapeMismatchError(
      `Affine: argument 'scaleTril' must be a (batch of) square matrices [..., d, d], got shape [${l.shape.join(', ')}]`,
    );
  }
  if (!values) return;
  checkInterval('Affine', 'scaleTril', l, REAL);
  const data = l.dataSync();
  for (let i = 0; i < data.length; i++) {
    const row = Math.floor(i / d) % d;
    const col = i % d;
    if ((col > row && data[i] !== 0) || (col === row && data[i] === 0)) {
      const what = col > row ? 'zero above the diagonal' : 'non-zero on the diagonal';
      throw new InvalidArgumentError(
        `Affine: argument 'scaleTril' must be lower triangular and ${what}, got ${data[i]} at [${row}, ${col}] (flat index ${i})`,
      );
    }
  }
}
