import {
  type Bijector,
  InvalidArgumentError,
  invalidArgument,
  type NamedTensors,
  type Network,
  type Rng,
  ShapeMismatchError,
} from '@gen/core';
import { BaseBijector } from '@gen/distributions';
import { computeFans, getInitializer, type Initializer, type InitializerName } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { ContextBoundBijector, checkContext } from './context.js';
import { assignLearnedWeights } from './learned-weights.js';

// tfjs keeps one registry of variable names per engine; the logical names users see (from
// getWeights) stay free of this counter.
let variableCounter = 0;

/**
 * Base class of the learned bijectors of @gen/flows: @gen/distributions' `BaseBijector` (public
 * methods validate, `_forwardAndLogDet`/`_inverseAndLogDet` compute, in `tf.tidy`) on events of
 * size `dim` (`eventRank` 1): `x: [..., dim]` → `y: [..., dim]`, `logDet: [...]`, plus what
 * learning needs: trainable variables, `getWeights`/`setWeights` by stable name, `dispose`. It
 * is a `Network` (`apply` is `forward`), so a @gen/train trainer or a model that takes networks
 * can use it directly.
 *
 * Inputs must be live float32 tensors ending in `dim`; their values are not read back (a Flow
 * checks its data once at `logProb`). Weights are named `<name>/<weight>` for the layer's own
 * weights (`addWeight`) and `<name>/<network weight name>` for a network part (`addNetwork`),
 * e.g. `affineCoupling/conditioner/dense0/kernel` for the Mlp named 'conditioner'. The layer
 * owns its parts: `dispose()` disposes them.
 *
 * Conditional layers (`conditionSize` C > 0: AffineCoupling, MaskedAutoregressive,
 * RationalQuadraticSpline) compute x ↦ f(x; c) for a context c: `[..., C]`. The four methods of
 * the `Bijector` contract keep their one-tensor form and take the context as an optional second
 * argument (`forward(x, context)`, …), and `withContext(c)` returns a plain `Bijector` view with c
 * bound (what a `Chain` or a `Flow` composes). The context has the input's leading axes, or is one
 * row (`[C]` or `[1, C]`) shared by all; a conditional layer called without one, or an
 * unconditional one called with one, throws a typed error.
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
export abstract class LearnedBijector extends BaseBijector implements Network {
  /** 1: events are vectors `[..., D]` (image layers such as `InvertibleConv1x1` use 3). */
  readonly eventRank: number = 1;
  abstract override readonly isConstantJacobian: boolean;
  /** D, the size of one event. */
  readonly dim: number;
  /** C, the width of the context a conditional layer reads (0: unconditional). */
  readonly conditionSize: number;
  protected override readonly forwardDomain = null;
  protected override readonly inverseDomain = null;
  private readonly className: string;
  private readonly weightName: string;
  private readonly own: { name: string; variable: tf.Variable }[] = [];
  private readonly parts: Network[] = [];
  private disposed = false;
  /** The context of the call in progress (set only while a public method runs). */
  private current: tf.Tensor | null = null;

  /**
   * @param kind The class name used in error messages (`AffineCoupling.inverse: …`).
   * @param name The first segment of every weight name.
   */
  protected constructor(kind: string, name: string, dim: number, conditionSize = 0) {
    super({ validateArgs: false });
    if (typeof name !== 'string' || name === '' || name.includes('/')) {
      throw invalidArgument(kind, 'name', name, "must be a non-empty string without '/'");
    }
    this.className = kind;
    this.weightName = name;
    this.dim = dim;
    this.conditionSize = conditionSize;
  }

  /** y = f(x) (`x: [..., D]`); a conditional layer needs `context` `[..., C]`. */
  override forward(x: tf.Tensor, context?: tf.Tensor): tf.Tensor {
    return this.withCurrent('forward', x, context, () => super.forward(x));
  }

  /** x = f⁻¹(y); a conditional layer needs `context`. */
  override inverse(y: tf.Tensor, context?: tf.Tensor): tf.Tensor {
    return this.withCurrent('inverse', y, context, () => super.inverse(y));
  }

  /** y = f(x) and log |det ∂f/∂x| `[...]`; a conditional layer needs `context`. */
  override forwardAndLogDet(
    x: tf.Tensor,
    context?: tf.Tensor,
  ): { y: tf.Tensor; logDet: tf.Tensor } {
    return this.withCurrent('forwardAndLogDet', x, context, () => super.forwardAndLogDet(x));
  }

  /** x = f⁻¹(y) and log |det ∂f⁻¹/∂y|; a conditional layer needs `context`. */
  override inverseAndLogDet(
    y: tf.Tensor,
    context?: tf.Tensor,
  ): { x: tf.Tensor; logDet: tf.Tensor } {
    return this.withCurrent('inverseAndLogDet', y, context, () => super.inverseAndLogDet(y));
  }

  /**
   * This conditional layer with `context` bound: a `Bijector` whose four methods call this
   * layer's with `context` (checked when they run). The view owns nothing; `context` stays the
   * caller's and must stay live while the view is used.
   *
   * ```ts
   * const maf = new MaskedAutoregressive({ dim: 2, conditionSize: 4 });
   * const bound = maf.withContext(labels);   // labels: [n, 4]
   * bound.inverseAndLogDet(x);               // the same as maf.inverseAndLogDet(x, labels)
   * ```
   */
  withContext(context: tf.Tensor): Bijector {
    const fn = `${this.kind}.withContext`;
    this.assertLive(fn);
    checkContext(fn, context, this.conditionSize, null);
    return new ContextBoundBijector(this, context);
  }

  /** The first segment of the weight names (e.g. 'affineCoupling'). */
  override get name(): string {
    return this.weightName;
  }

  protected override get kind(): string {
    return this.className;
  }

  /** True once `dispose()` has run. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** The trainable variables by logical name (what `TransformedDistribution.params` shows). */
  override get params(): Readonly<Record<string, tf.Tensor>> {
    return this.namedWeights();
  }

  /** Own and parts' variables, in registration order. */
  get trainableVariables(): tf.Variable[] {
    return [
      ...this.own.map((w) => w.variable),
      ...this.parts.flatMap((p) => [...p.trainableVariables]),
    ];
  }

  /**
   * The variables themselves (not copies) by logical name: the layer's own and those of parts
   * that list theirs by name (a @gen/nn Module does). A part that is a plain `Network` shows its
   * variables in `trainableVariables` and its weights in `getWeights` only.
   */
  namedWeights(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const { name, variable } of this.own) out[`${this.weightName}/${name}`] = variable;
    for (const part of this.parts) {
      const named = (part as { namedWeights?: () => Record<string, tf.Variable> }).namedWeights;
      if (typeof named !== 'function') continue;
      for (const [name, v] of Object.entries(named.call(part)))
        out[`${this.weightName}/${name}`] = v;
    }
    return out;
  }

  /** Copies of every weight by logical name; the caller owns and must dispose them. */
  getWeights(): NamedTensors {
    this.assertLive(`${this.kind}.getWeights`);
    const out: NamedTensors = {};
    for (const { name, variable } of this.own)
      out[`${this.weightName}/${name}`] = tf.clone(variable);
    for (const part of this.parts) {
      for (const [name, w] of Object.entries(part.getWeights()))
        out[`${this.weightName}/${name}`] = w;
    }
    return out;
  }

  /**
   * Assigns every weight from `weights`, which must hold exactly the names of `getWeights()`
   * with matching dtypes and shapes; nothing is assigned unless everything matches. `weights`
   * stays owned by the caller.
   */
  setWeights(weights: NamedTensors): void {
    const fn = `${this.kind}.setWeights`;
    this.assertLive(fn);
    assignLearnedWeights(fn, this.weightName, this.own, this.parts, weights);
  }

  /** Total number of scalar parameters. */
  numParameters(): number {
    return this.trainableVariables.reduce((total, v) => total + v.size, 0);
  }

  /** Same as `forward`: lets a learned bijector stand wherever a `Network` is expected. */
  apply(x: tf.Tensor): tf.Tensor {
    return this.forward(x);
  }

  /** Releases every variable of this layer and of its parts. Idempotent. */
  override dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const { variable } of this.own) variable.dispose();
    for (const part of this.parts) part.dispose();
    super.dispose();
  }

  /**
   * Creates a trainable float32 variable `<name>/<weight>` of `shape`, initialised from `rng`
   * with fans from @gen/nn's `computeFans`.
   */
  protected addWeight(
    weight: string,
    shape: number[],
    initializer: InitializerName | Initializer,
    rng: Rng,
  ): tf.Variable {
    const init = typeof initializer === 'function' ? initializer : getInitializer(initializer);
    const initial = init(shape, computeFans(shape), rng);
    variableCounter += 1;
    const variable = tf.variable(
      initial,
      true,
      `${this.weightName}/${weight}_learned${variableCounter}`,
      'float32',
    );
    initial.dispose();
    this.own.push({ name: weight, variable });
    return variable;
  }

  /**
   * Registers a network part (a conditioner); the layer now owns it. Its weights appear as
   * `<name>/<its weight name>`, so its names must not collide with the layer's other weights.
   */
  protected addNetwork<N extends Network>(network: N): N {
    const taken = new Set([
      ...this.own.map((w) => w.name),
      ...this.parts.flatMap((part) => partNames(part)),
    ]);
    const clash = partNames(network).find((name) => taken.has(name));
    if (clash !== undefined) {
      throw new InvalidArgumentError(
        `${this.kind}: the network's weight '${clash}' clashes with another weight of the layer`,
      );
    }
    this.parts.push(network);
    return network;
  }

  /**
   * `v: [..., k]` with the call's context appended, `[..., k + C]`, or `v` itself for an
   * unconditional layer: what a conditioner of a conditional layer reads.
   */
  protected withContextColumns(v: tf.Tensor): tf.Tensor {
    const c = this.current;
    if (c === null) return v;
    const lead = v.shape.slice(0, -1);
    const rows =
      c.size === this.conditionSize
        ? tf.broadcastTo(tf.reshape(c, [this.conditionSize]), [...lead, this.conditionSize])
        : c;
    return tf.concat([v, rows], -1);
  }

  private withCurrent<T>(method: string, input: unknown, context: unknown, run: () => T): T {
    const fn = `${this.kind}.${method}`;
    this.assertLive(fn);
    const lead = input instanceof tf.Tensor && input.rank > 0 ? input.shape.slice(0, -1) : null;
    const c = checkContext(fn, context, this.conditionSize, lead);
    this.current = c;
    try {
      return run();
    } finally {
      this.current = null;
    }
  }

  /** Throws a typed error naming `fn` once the layer has been disposed. */
  protected assertLive(fn: string): void {
    if (this.disposed) {
      throw new InvalidArgumentError(`${fn}: '${this.weightName}' has been disposed`);
    }
  }

  /** Live float32 tensors only: learned layers never convert numbers or arrays. */
  protected override toInput(
    fn: string,
    arg: string,
    value: unknown,
  ): { tensor: tf.Tensor; owned: boolean } {
    this.assertLive(fn);
    if (!(value instanceof tf.Tensor) || value.isDisposed) {
      throw invalidArgument(fn, arg, value, 'must be a live tf.Tensor');
    }
    if (value.dtype !== 'float32') throw invalidArgument(fn, arg, value, 'must have dtype float32');
    return { tensor: value, owned: false };
  }

  protected override checkShape(fn: string, arg: string, t: tf.Tensor): void {
    if (t.rank === 0 || t.shape[t.rank - 1] !== this.dim) {
      throw new ShapeMismatchError(
        `${fn}: argument '${arg}' must have shape [..., ${this.dim}], got [${t.shape.join(', ')}]`,
      );
    }
  }

  /** Checks an input's liveness, dtype and shape without reading its values. */
  protected checkInput(fn: string, arg: string, t: unknown): asserts t is tf.Tensor {
    const { tensor } = this.toInput(fn, arg, t);
    this.checkShape(fn, arg, tensor);
  }
}

/** The weight names of a network part, without keeping copies. */
function partNames(part: Network): string[] {
  const weights = part.getWeights();
  const names = Object.keys(weights);
  tf.dispose(Object.values(weights));
  return names;
}
