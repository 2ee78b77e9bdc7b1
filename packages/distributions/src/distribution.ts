import {
  assertInteger,
  assertRng,
  brand,
  type Distribution,
  InvalidArgumentError,
  NotImplementedError,
  type Rng,
  ShapeMismatchError,
  stopGradient,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { broadcastShapes, type ParamLike, toParam } from './param.js';
import { type Constraint, checkConstraint, defaultValidation } from './validation.js';

// The most numbers one call to sample/rsample may produce (2^28 float32 values, 1 GiB): beyond
// it the backend fails with a raw RangeError or an out-of-memory abort instead of a typed error.
const MAX_DRAW_ELEMENTS = 2 ** 28;

/** Options every family accepts beside its parameters. */
export interface DistributionOptions {
  /** Check parameters at construction and `logProb` inputs against the support (default on). */
  validateArgs?: boolean;
}

/**
 * Shared machinery of every `@gen` distribution: parameter conversion and broadcasting,
 * validation, shape checks, tidy scopes and ownership. Public methods validate; subclasses
 * implement the `_`-prefixed computations on already-checked tensors.
 *
 * Shapes: `sample(n)` → `[n, ...batchShape, ...eventShape]`; `logProb(x)` takes
 * `x: [...sample, ...batchShape, ...eventShape]` (any leading axes, broadcasting against the
 * batch) and returns `[...sample, ...batchShape]`.
 */
export abstract class BaseDistribution implements Distribution {
  static {
    brand(BaseDistribution, '@gen/distributions/BaseDistribution');
  }

  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  abstract readonly hasRsample: boolean;
  /** The parameters as given (tensors stay connected to what computed them), broadcast. */
  readonly params: Readonly<Record<string, tf.Tensor>>;
  readonly validateArgs: boolean;
  private readonly owned: tf.Tensor[] = [];

  /** Support of a single draw, used to validate `logProb` inputs. */
  protected abstract readonly support: Constraint;

  protected constructor(
    params: Record<string, tf.Tensor>,
    batchShape: readonly number[],
    eventShape: readonly number[],
    options: DistributionOptions = {},
  ) {
    this.params = Object.freeze({ ...params });
    this.batchShape = Object.freeze([...batchShape]);
    this.eventShape = Object.freeze([...eventShape]);
    this.validateArgs = options.validateArgs ?? defaultValidation();
  }

  /** Class name used in messages (`Normal.logProb: …`). */
  get name(): string {
    return this.constructor.name;
  }

  /**
   * Converts raw parameters, broadcasts them to one batch shape and validates constraints.
   * Returns the tensors to hand to `super(...)`. Created tensors are owned and disposed by
   * `dispose()`.
   */
  protected static prepare(
    fn: string,
    raw: Record<string, unknown>,
    constraints: Record<string, Constraint>,
    options: DistributionOptions = {},
  ): { params: Record<string, tf.Tensor>; batchShape: number[]; owned: tf.Tensor[] } {
    const owned: tf.Tensor[] = [];
    const converted: Record<string, tf.Tensor> = {};
    try {
      for (const [name, value] of Object.entries(raw)) {
        const { tensor, owned: own } = toParam(fn, name, value);
        if (own) owned.push(tensor);
        converted[name] = tensor;
      }
      const batchShape = broadcastShapes(
        fn,
        Object.fromEntries(Object.entries(converted).map(([n, t]) => [n, t.shape])),
      );
      const params: Record<string, tf.Tensor> = {};
      for (const [name, t] of Object.entries(converted)) {
        if (tf.util.arraysEqual(t.shape, batchShape)) params[name] = t;
        else {
          const b = tf.broadcastTo(t, batchShape);
          owned.push(b);
          params[name] = b;
        }
      }
      if (options.validateArgs ?? defaultValidation()) {
        for (const [name, constraint] of Object.entries(constraints)) {
          checkConstraint(fn, name, params[name]!, constraint);
        }
      }
      return { params, batchShape, owned };
    } catch (error) {
      tf.dispose(owned);
      throw error;
    }
  }

  /** Records tensors this distribution created, to be released by `dispose()`. */
  protected own(tensors: tf.Tensor[]): void {
    this.owned.push(...tensors);
  }

  /** `n` draws, detached from the parameters. */
  sample(n: number, rng: Rng): tf.Tensor {
    this.checkDraws(`${this.name}.sample`, n, rng);
    // An empty batch has nothing to draw, and some wasm kernels fault on empty inputs.
    if (this.isEmpty) return tf.zeros(this.sampleShape(n));
    return tf.tidy(() => stopGradient(this._sample(n, rng)));
  }

  /** `n` reparameterised draws; gradients flow into the parameters. */
  rsample(n: number, rng: Rng): tf.Tensor {
    if (!this.hasRsample) {
      throw new NotImplementedError(
        `${this.name}.rsample: ${this.name} has no reparameterised sampler; use sample() with a score-function or measure-valued estimator`,
      );
    }
    this.checkDraws(`${this.name}.rsample`, n, rng);
    if (this.isEmpty) return tf.zeros(this.sampleShape(n));
    return tf.tidy(() => this._rsample(n, rng));
  }

  /** Log density (or mass) of `x`, `[...sample, ...batch, ...event]` → `[...sample, ...batch]`. */
  logProb(x: ParamLike): tf.Tensor {
    const fn = `${this.name}.logProb`;
    const { tensor, owned } = toParam(fn, 'x', x);
    try {
      this.checkEventShape(fn, tensor);
      if (this.validateArgs) checkConstraint(fn, 'x', tensor, this.support);
      return tf.tidy(() => this._logProb(tensor));
    } finally {
      if (owned) tensor.dispose();
    }
  }

  /** exp(logProb(x)). */
  prob(x: ParamLike): tf.Tensor {
    return tf.tidy(() => tf.exp(this.logProb(x)));
  }

  entropy(): tf.Tensor {
    return tf.tidy(() => this._entropy());
  }

  mean(): tf.Tensor {
    return tf.tidy(() => this._mean());
  }

  variance(): tf.Tensor {
    return tf.tidy(() => this._variance());
  }

  stddev(): tf.Tensor {
    return tf.tidy(() => tf.sqrt(this._variance()));
  }

  /** Releases the tensors this distribution created (not tensors you passed in). Idempotent. */
  dispose(): void {
    tf.dispose(this.owned.splice(0));
  }

  /** Throws unless the trailing axes of `x` broadcast against `[...batchShape, ...eventShape]`. */
  protected checkEventShape(fn: string, x: tf.Tensor): void {
    const event = this.eventShape.length;
    const trailing = x.shape.slice(x.rank - event);
    if (x.rank < event || !tf.util.arraysEqual(trailing, [...this.eventShape])) {
      throw new ShapeMismatchError(
        `${fn}: argument 'x' must end with the event shape [${this.eventShape.join(', ')}], got [${x.shape.join(', ')}]`,
      );
    }
    const full = [...this.batchShape, ...this.eventShape];
    try {
      tf.broadcast_util.assertAndGetBroadcastShape(x.shape, full);
    } catch {
      throw new ShapeMismatchError(
        `${fn}: argument 'x' of shape [${x.shape.join(', ')}] does not broadcast against batch and event shape [${full.join(', ')}]`,
      );
    }
  }

  /**
   * Checks the arguments of `sample`/`rsample`: `n` a positive integer whose draws fit in one
   * tensor, `rng` an Rng (a missing one is a typed error, not a TypeError deep inside).
   */
  protected checkDraws(fn: string, n: number, rng: Rng): void {
    const size = [...this.batchShape, ...this.eventShape].reduce((a, b) => a * b, 1);
    assertInteger(fn, 'n', n, 1, Math.max(1, Math.floor(MAX_DRAW_ELEMENTS / Math.max(size, 1))));
    assertRng(fn, 'rng', rng);
  }

  private get isEmpty(): boolean {
    return [...this.batchShape, ...this.eventShape].some((d) => d === 0);
  }

  /** Shape of `n` draws. */
  protected sampleShape(n: number): number[] {
    return [n, ...this.batchShape, ...this.eventShape];
  }

  protected _sample(n: number, rng: Rng): tf.Tensor {
    return this._rsample(n, rng);
  }

  protected _rsample(_n: number, _rng: Rng): tf.Tensor {
    throw new InvalidArgumentError(`${this.name}: _rsample is not implemented`);
  }

  protected abstract _logProb(x: tf.Tensor): tf.Tensor;
  protected abstract _entropy(): tf.Tensor;
  protected abstract _mean(): tf.Tensor;
  protected abstract _variance(): tf.Tensor;
}
