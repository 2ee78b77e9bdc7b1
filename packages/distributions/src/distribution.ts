import {
  assertInteger,
  assertRng,
  brand,
  type Distribution,
  formatValue,
  InvalidArgumentError,
  NotImplementedError,
  type Rng,
  ShapeMismatchError,
  stopGradient,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { broadcastShapes, type ParamLike, toParam } from './param.js';
import { type Constraint, checkConstraint, checkNotNaN, defaultValidation } from './validation.js';

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

  /**
   * The support of one draw, as the constraint `logProb` checks its input against (torch's
   * `support`). Where the support depends on the parameters (Uniform's [low, high], Pareto's
   * [scale, ∞)) it is the widest fixed set containing it and `logProb` is −∞ outside.
   */
  abstract readonly support: Constraint;

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

  /**
   * Draws detached from the parameters. `shape` is a count `n` (→ `[n, ...batch, ...event]`) or
   * a sample shape like torch's `sample(sample_shape)`: `[a, b]` → `[a, b, ...batch, ...event]`,
   * `[]` → one draw `[...batch, ...event]`.
   */
  sample(shape: number | readonly number[], rng: Rng): tf.Tensor {
    const fn = `${this.name}.sample`;
    const n = this.drawCount(fn, shape);
    this.checkDraws(fn, n, rng);
    // An empty batch has nothing to draw, and some wasm kernels fault on empty inputs.
    if (this.isEmpty) return tf.zeros(this.drawShape(shape, n));
    return tf.tidy(() => this.shapeDraws(stopGradient(this._sample(n, rng)), shape, n));
  }

  /** Reparameterised draws, shaped as {@link sample}'s; gradients flow into the parameters. */
  rsample(shape: number | readonly number[], rng: Rng): tf.Tensor {
    const fn = `${this.name}.rsample`;
    if (!this.hasRsample) {
      throw new NotImplementedError(
        `${fn}: ${this.name} has no reparameterised sampler; use sample() with a score-function or measure-valued estimator`,
      );
    }
    const n = this.drawCount(fn, shape);
    this.checkDraws(fn, n, rng);
    if (this.isEmpty) return tf.zeros(this.drawShape(shape, n));
    return tf.tidy(() => this.shapeDraws(this._rsample(n, rng), shape, n));
  }

  /**
   * The mode (most probable value) of each batch member, `[...batch, ...event]`. Where the
   * density has no unique maximum (a Uniform, a Beta with both concentrations below 1) the
   * entry is NaN, as in torch.
   */
  mode(): tf.Tensor {
    return tf.tidy(() => this._mode());
  }

  /**
   * Cumulative distribution function P(X ≤ x) of a scalar family, `[...sample, ...batch]`.
   * Throws {@link NotImplementedError} for families without a closed form or a stable special
   * function for it (and for every family with a non-scalar event).
   */
  cdf(x: ParamLike): tf.Tensor {
    const fn = `${this.name}.cdf`;
    this.checkScalarEvent(fn);
    const { tensor, owned } = toParam(fn, 'x', x);
    try {
      this.checkEventShape(fn, tensor);
      if (this.validateArgs && tensor.size > 0) checkNotNaN(fn, 'x', tensor);
      return tf.tidy(() => this._cdf(tensor));
    } finally {
      if (owned) tensor.dispose();
    }
  }

  /**
   * Inverse cdf (quantile function) of a scalar family at probabilities `p` ∈ [0, 1],
   * `[...sample, ...batch]`; for a discrete family the smallest support point x with
   * cdf(x) ≥ p. Throws {@link NotImplementedError} where there is no closed form or stable
   * special function.
   */
  icdf(p: ParamLike): tf.Tensor {
    const fn = `${this.name}.icdf`;
    this.checkScalarEvent(fn);
    const { tensor, owned } = toParam(fn, 'p', p);
    try {
      this.checkEventShape(fn, tensor);
      if (this.validateArgs) checkConstraint(fn, 'p', tensor, 'unitInterval');
      return tf.tidy(() => this._icdf(tensor));
    } finally {
      if (owned) tensor.dispose();
    }
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

  /**
   * A new distribution of the same family whose batch shape is `batchShape`, its parameters
   * broadcast to it (torch's `expand`). The event shape is unchanged; the current batch shape
   * must broadcast to the new one (leading axes may be added, axes of size 1 grown), else a
   * {@link ShapeMismatchError}. The copy holds its own tensors (disposing one leaves the other
   * intact), keeps `validateArgs` (the parameters are not checked again) and stays connected to
   * the parameters for gradients.
   *
   * ```ts
   * const d = new Normal({ loc: [0, 1], scale: 1 });  // batchShape [2]
   * const e = d.expand([3, 2]);                        // batchShape [3, 2]
   * e.sample(5, rng);                                  // [5, 3, 2]
   * ```
   */
  expand(batchShape: readonly number[]): this {
    const fn = `${this.name}.expand`;
    const target = this.checkExpandShape(fn, batchShape);
    const created: tf.Tensor[] = [];
    const broadcast = (t: tf.Tensor, eventRank = t.rank - this.batchShape.length): tf.Tensor => {
      const shape = [...target, ...t.shape.slice(t.rank - eventRank)];
      // (tfjs's broadcastTo gives a size-1 axis where asked for a size-0 one)
      const b = shape.includes(0) ? tf.zeros(shape) : tf.tidy(() => tf.broadcastTo(t, shape));
      created.push(b);
      return b;
    };
    let expanded: BaseDistribution;
    try {
      expanded = this._expand(target, broadcast);
    } catch (error) {
      tf.dispose(created);
      throw error;
    }
    expanded.own(created);
    (expanded as { validateArgs: boolean }).validateArgs = this.validateArgs;
    const same =
      tf.util.arraysEqual([...expanded.batchShape], target) &&
      tf.util.arraysEqual([...expanded.eventShape], [...this.eventShape]);
    if (!same) {
      expanded.dispose();
      throw new ShapeMismatchError(
        `${fn}: rebuilt ${expanded.name} has batch shape [${expanded.batchShape.join(', ')}] and event shape [${expanded.eventShape.join(', ')}], expected [${target.join(', ')}] and [${this.eventShape.join(', ')}]; override _expand`,
      );
    }
    return expanded as this;
  }

  /**
   * Builds the expanded copy for {@link expand}, which has checked `batchShape` and will own the
   * tensors `broadcast` makes (`broadcast(t, eventRank)` broadcasts `t`, shaped
   * `[...batch', ...event axes]` with `batch'` broadcastable to the batch shape, to
   * `[...batchShape, ...its last eventRank axes]`; eventRank defaults to `t.rank − batch rank`).
   * The default calls the constructor with every entry of `params` broadcast and
   * `validateArgs: false` (expand restores the flag); a family whose constructor takes other
   * arguments than its `params` overrides this.
   */
  protected _expand(
    _batchShape: number[],
    broadcast: (t: tf.Tensor, eventRank?: number) => tf.Tensor,
  ): BaseDistribution {
    const args: Record<string, unknown> = {};
    for (const [name, t] of Object.entries(this.params)) args[name] = broadcast(t);
    const Family = this.constructor as new (params: Record<string, unknown>) => BaseDistribution;
    try {
      return new Family({ ...args, validateArgs: false });
    } catch (cause) {
      throw new NotImplementedError(
        `${this.name}.expand: ${this.name} cannot be rebuilt from its params { ${Object.keys(this.params).join(', ')} } (${(cause as Error).message}); it must override _expand`,
        { cause },
      );
    }
  }

  /** `batchShape` checked for {@link expand}: non-negative integers the batch broadcasts to. */
  private checkExpandShape(fn: string, batchShape: unknown): number[] {
    if (
      !Array.isArray(batchShape) ||
      batchShape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)
    ) {
      throw new InvalidArgumentError(
        `${fn}: argument 'batchShape' must be an array of non-negative integers, got ${formatValue(batchShape)}`,
      );
    }
    const target = [...batchShape] as number[];
    const event = this.eventShape.reduce((a, b) => a * b, 1);
    if (target.reduce((a, b) => a * b, 1) * Math.max(event, 1) > MAX_DRAW_ELEMENTS) {
      throw new InvalidArgumentError(
        `${fn}: argument 'batchShape' [${target.join(', ')}] is too large (more than 2^28 values per draw)`,
      );
    }
    const old = this.batchShape;
    const offset = target.length - old.length;
    if (offset < 0 || old.some((d, i) => d !== 1 && d !== target[offset + i])) {
      throw new ShapeMismatchError(
        `${fn}: argument 'batchShape' must be a shape the batch shape [${old.join(', ')}] broadcasts to (new leading axes, axes of size 1 grown), got [${target.join(', ')}]`,
      );
    }
    return target;
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

  /** The number of draws a sample shape asks for (validated: non-negative integers). */
  private drawCount(fn: string, shape: number | readonly number[]): number {
    if (typeof shape === 'number') return shape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new InvalidArgumentError(
        `${fn}: argument 'shape' must be a positive integer or an array of positive integers, got ${JSON.stringify(shape)}`,
      );
    }
    return shape.reduce((a: number, b: number) => a * b, 1);
  }

  /** The full shape of draws for a sample shape. */
  private drawShape(shape: number | readonly number[], n: number): number[] {
    if (typeof shape === 'number') return this.sampleShape(n);
    return [...shape, ...this.batchShape, ...this.eventShape];
  }

  /** `[n, ...batch, ...event]` draws reshaped to the sample shape asked for. */
  private shapeDraws(draws: tf.Tensor, shape: number | readonly number[], n: number): tf.Tensor {
    return typeof shape === 'number' ? draws : tf.reshape(draws, this.drawShape(shape, n));
  }

  private checkScalarEvent(fn: string): void {
    if (this.eventShape.length > 0) {
      throw new NotImplementedError(
        `${fn}: ${this.name} has event shape [${this.eventShape.join(', ')}]; cdf and icdf are defined for scalar families only`,
      );
    }
  }

  protected _mode(): tf.Tensor {
    throw new NotImplementedError(`${this.name}.mode: ${this.name} has no mode implemented`);
  }

  protected _cdf(_x: tf.Tensor): tf.Tensor {
    throw new NotImplementedError(
      `${this.name}.cdf: ${this.name} has no closed-form cdf; estimate it from samples`,
    );
  }

  protected _icdf(_p: tf.Tensor): tf.Tensor {
    throw new NotImplementedError(
      `${this.name}.icdf: ${this.name} has no closed-form inverse cdf; estimate it from samples`,
    );
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
