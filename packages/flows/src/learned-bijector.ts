import { type Bijector, invalidArgument, ShapeMismatchError } from '@gen/core';
import { Module } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Base class of the learned bijectors of @gen/flows: a @gen/nn {@link Module} (named trainable
 * variables, `getWeights`/`setWeights`, `dispose`) that implements @gen/core's `Bijector` on
 * events of size `dim` (`eventRank` 1): `x: [..., dim]` → `y: [..., dim]`, `logDet: [...]`.
 *
 * Public methods check the input (a live float32 tensor ending in `dim`) and run the
 * computation in `tf.tidy`; subclasses implement `_forwardAndLogDet` and `_inverseAndLogDet`
 * (and may override `_forward`/`_inverse` to skip the log-determinant). `apply` is `forward`.
 *
 * ```ts
 * class LearnedShift extends LearnedBijector {           // y = x + t
 *   readonly isConstantJacobian = true;
 *   readonly t: tf.Variable;
 *   constructor(dim: number) {
 *     super('LearnedShift', 'learnedShift', dim);
 *     this.t = this.addWeight('t', [dim], 'zeros', Rng.fromSeed(0));
 *   }
 *   protected _forwardAndLogDet(x: tf.Tensor) {
 *     return { y: tf.add(x, this.t), logDet: tf.zeros(x.shape.slice(0, -1)) };
 *   }
 *   protected _inverseAndLogDet(y: tf.Tensor) {
 *     return { x: tf.sub(y, this.t), logDet: tf.zeros(y.shape.slice(0, -1)) };
 *   }
 * }
 * ```
 */
export abstract class LearnedBijector extends Module implements Bijector {
  readonly eventRank = 1;
  abstract readonly isConstantJacobian: boolean;
  /** D, the size of one event. */
  readonly dim: number;
  /** Class name used in error messages (`AffineCoupling.inverse: …`). */
  protected readonly kind: string;

  protected constructor(kind: string, name: string, dim: number) {
    super(name);
    this.kind = kind;
    this.dim = dim;
  }

  /** The trainable variables by logical name (what `TransformedDistribution.params` shows). */
  get params(): Readonly<Record<string, tf.Tensor>> {
    return this.namedWeights();
  }

  /** Same as `forward`: lets a bijector stand wherever a @gen/nn Module is expected. */
  apply(x: tf.Tensor): tf.Tensor {
    return this.forward(x);
  }

  /** y = f(x), noise side to data side. */
  forward(x: tf.Tensor): tf.Tensor {
    return this.run('forward', 'x', x, (t) => this._forward(t));
  }

  /** x = f⁻¹(y), data side to noise side. */
  inverse(y: tf.Tensor): tf.Tensor {
    return this.run('inverse', 'y', y, (t) => this._inverse(t));
  }

  /** y = f(x) and log |det ∂f/∂x| per event. */
  forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    return this.run('forwardAndLogDet', 'x', x, (t) => this._forwardAndLogDet(t));
  }

  /** x = f⁻¹(y) and log |det ∂f⁻¹/∂y| per event (= −forward log-det at x). */
  inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    return this.run('inverseAndLogDet', 'y', y, (t) => this._inverseAndLogDet(t));
  }

  protected _forward(x: tf.Tensor): tf.Tensor {
    return this._forwardAndLogDet(x).y;
  }

  protected _inverse(y: tf.Tensor): tf.Tensor {
    return this._inverseAndLogDet(y).x;
  }

  protected abstract _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor };
  protected abstract _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor };

  /** Checks an input's liveness, dtype and shape without reading its values. */
  protected checkInput(fn: string, arg: string, t: unknown): asserts t is tf.Tensor {
    this.assertLive(fn);
    if (!(t instanceof tf.Tensor) || t.isDisposed) {
      throw invalidArgument(fn, arg, t, 'must be a live tf.Tensor');
    }
    if (t.dtype !== 'float32') throw invalidArgument(fn, arg, t, 'must have dtype float32');
    if (t.rank === 0 || t.shape[t.rank - 1] !== this.dim) {
      throw new ShapeMismatchError(
        `${fn}: argument '${arg}' must have shape [..., ${this.dim}], got [${t.shape.join(', ')}]`,
      );
    }
  }

  private run<T extends tf.TensorContainer>(
    method: string,
    arg: string,
    t: tf.Tensor,
    compute: (t: tf.Tensor) => T,
  ): T {
    this.checkInput(`${this.kind}.${method}`, arg, t);
    return tf.tidy(() => compute(t));
  }
}
