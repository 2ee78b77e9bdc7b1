import { type Bijector, ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { checkOptionsObject } from '../options.js';
import { type ParamLike, toParam } from '../param.js';
import { defaultValidation } from '../validation.js';
import { checkBroadcast, checkInterval, type Interval, REAL } from './domain.js';

/** Options every bijector accepts. */
export interface BijectorOptions {
  /** Check that inputs lie in the domain (reads values back; default: the global default). */
  validateArgs?: boolean;
}

/**
 * The one base class of every `@gen` bijector, fixed and learned (@gen/flows' `LearnedBijector`
 * extends it): public methods validate, `_`-prefixed methods compute. `forward`, `inverse`,
 * `forwardAndLogDet` and `inverseAndLogDet` convert the input ({@link BaseBijector.toInput}),
 * check its shape ({@link BaseBijector.checkShape}) and, with `validateArgs`, its domain, then
 * run the computation in `tf.tidy`. Subclasses implement `_forwardAndLogDet` and
 * `_inverseAndLogDet` on checked tensors (and may override `_forward`/`_inverse` to skip the
 * log-det), and declare `eventRank` and `isConstantJacobian`.
 *
 * Log-determinants of elementwise bijectors (`eventRank` 0) are elementwise, with the shape of
 * the output; for `eventRank` k they are summed over the k rightmost axes.
 *
 * ```ts
 * class Sinh extends BaseBijector {                    // y = sinh(x), log |dy/dx| = log cosh(x)
 *   readonly eventRank = 0;
 *   readonly isConstantJacobian = false;
 *   constructor(options: BijectorOptions = {}) {
 *     super(options);
 *   }
 *   protected _forwardAndLogDet(x: tf.Tensor) {
 *     return { y: tf.sinh(x), logDet: tf.log(tf.cosh(x)) };
 *   }
 *   protected _inverseAndLogDet(y: tf.Tensor) {
 *     return { x: tf.asinh(y), logDet: tf.mul(-0.5, tf.log1p(tf.square(y))) };
 *   }
 * }
 * ```
 */
export abstract class BaseBijector implements Bijector {
  abstract readonly eventRank: number;
  abstract readonly isConstantJacobian: boolean;
  readonly validateArgs: boolean;
  /** Domain of `forward` inputs, or null where the parts check their own (Chain, Invert). */
  protected readonly forwardDomain: Interval | null = REAL;
  /** Domain of `inverse` inputs (the image of the forward map), or null. */
  protected readonly inverseDomain: Interval | null = REAL;
  private readonly owned: tf.Tensor[] = [];
  private readonly named: Record<string, tf.Tensor> = {};

  protected constructor(options: BijectorOptions = {}) {
    checkOptionsObject(new.target.name, options);
    this.validateArgs = options.validateArgs ?? defaultValidation();
  }

  /** Class name used in messages (`Sigmoid.inverse: …`). */
  get name(): string {
    return this.kind;
  }

  /** The prefix of error messages; subclasses whose `name` means something else override it. */
  protected get kind(): string {
    return this.constructor.name;
  }

  /** Parameter tensors by name (as given, or created from numbers and owned). */
  get params(): Readonly<Record<string, tf.Tensor>> {
    return { ...this.named };
  }

  /** Converts and registers a constructor parameter; a tensor created here is owned. */
  protected param(arg: string, value: ParamLike): tf.Tensor {
    const { tensor, owned } = toParam(this.kind, arg, value);
    if (owned) this.owned.push(tensor);
    this.named[arg] = tensor;
    return tensor;
  }

  /** Runs a constructor check; on failure releases what was created so far, then rethrows. */
  protected guard(check: () => void): void {
    try {
      check();
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  /** y = f(x). */
  forward(x: ParamLike): tf.Tensor {
    return this.run('forward', 'x', x, this.forwardDomain, (t) => this._forward(t));
  }

  /** x = f⁻¹(y). */
  inverse(y: ParamLike): tf.Tensor {
    return this.run('inverse', 'y', y, this.inverseDomain, (t) => this._inverse(t));
  }

  /** y = f(x) and log |det ∂f/∂x| summed over the `eventRank` rightmost axes. */
  forwardAndLogDet(x: ParamLike): { y: tf.Tensor; logDet: tf.Tensor } {
    return this.run('forwardAndLogDet', 'x', x, this.forwardDomain, (t) =>
      this._forwardAndLogDet(t),
    );
  }

  /** x = f⁻¹(y) and log |det ∂f⁻¹/∂y| (= −forward log-det at x). */
  inverseAndLogDet(y: ParamLike): { x: tf.Tensor; logDet: tf.Tensor } {
    return this.run('inverseAndLogDet', 'y', y, this.inverseDomain, (t) =>
      this._inverseAndLogDet(t),
    );
  }

  /** Releases the tensors this bijector created (not tensors you passed in). Idempotent. */
  dispose(): void {
    tf.dispose(this.owned.splice(0));
  }

  /**
   * Shape checks on an input: the event rank, and that the parameters broadcast against it
   * (elementwise bijectors); subclasses with a fixed event size extend it.
   */
  protected checkShape(fn: string, arg: string, t: tf.Tensor): void {
    if (t.rank < this.eventRank) {
      throw new ShapeMismatchError(
        `${fn}: argument '${arg}' must have rank >= ${this.eventRank} (the event rank), got shape [${t.shape.join(', ')}]`,
      );
    }
    if (this.eventRank > 0) return;
    for (const [name, p] of Object.entries(this.named)) {
      checkBroadcast(fn, arg, t.shape, name, p.shape);
    }
  }

  /**
   * Converts a public method's input to a tensor; `owned` says whether it was created here (and
   * is disposed after the call). Numbers, arrays and tensors of any dtype by default.
   */
  protected toInput(
    fn: string,
    arg: string,
    value: unknown,
  ): { tensor: tf.Tensor; owned: boolean } {
    return toParam(fn, arg, value);
  }

  protected _forward(x: tf.Tensor): tf.Tensor {
    return this._forwardAndLogDet(x).y;
  }

  protected _inverse(y: tf.Tensor): tf.Tensor {
    return this._inverseAndLogDet(y).x;
  }

  protected abstract _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor };
  protected abstract _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor };

  private run<T extends tf.TensorContainer>(
    method: string,
    arg: string,
    value: ParamLike,
    domain: Interval | null,
    compute: (t: tf.Tensor) => T,
  ): T {
    const fn = `${this.kind}.${method}`;
    const { tensor, owned } = this.toInput(fn, arg, value);
    try {
      this.checkShape(fn, arg, tensor);
      if (this.validateArgs && domain) checkInterval(fn, arg, tensor, domain);
      return tf.tidy(() => compute(tensor));
    } finally {
      if (owned) tensor.dispose();
    }
  }
}
