import {
  brand,
  hasBrand,
  InvalidArgumentError,
  invalidArgument,
  type NamedTensors,
  type Network,
  type Rng,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { assignWeights } from './assign-weights.js';
import { computeFans, type Initializer, type InitializerName, resolveInitializer } from './init.js';

type Entry =
  | { kind: 'weight' | 'buffer'; name: string; variable: tf.Variable }
  | { kind: 'module'; name: string; module: Module };

// tfjs keeps one registry of variable names per engine, so two modules both called 'dense' need
// distinct tfjs names; the logical names that users see stay free of this counter. A name already
// in the registry is skipped: a second installed copy of @gen/nn counts from 0 too, and users
// name their own variables.
let variableCounter = 0;

function freshVariableName(prefix: string): string {
  const taken = tf.engine().registeredVariables;
  let name: string;
  do {
    variableCounter += 1;
    name = `${prefix}_${variableCounter}`;
  } while (Object.hasOwn(taken, name));
  return name;
}

const MODULE = '@gen/nn/Module';

function assertPathSegment(fn: string, arg: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('/')) {
    throw invalidArgument(fn, arg, name, "must be a non-empty string without '/'");
  }
}

/**
 * Base class of every `@gen` network: owns named trainable variables and child modules. A
 * `Module` is a `Network` (from @gen/core), so every model that takes a network as a part
 * (`Gan`, `Vae`, `Autoencoder`, flow conditioners) takes one; so does any other `Network`, such
 * as `fromLayersModel(model)` or a plain object with the same members.
 *
 * A weight's logical name is the path of registration names from the root, e.g.
 * `mlp/dense0/kernel` for the kernel of the child registered as `dense0` in a module named
 * `mlp`. `trainableVariables` and `namedWeights()` list weights depth-first in registration
 * order, so the order is the same for every instance built with the same options.
 *
 * Buffers (`addBuffer`) are state that is not trained by gradient, such as the running
 * statistics of `BatchNorm`: they are not in `trainableVariables`, but `getWeights()` and
 * `setWeights()` carry them beside the weights (like PyTorch's `state_dict`), so checkpoints and
 * safetensors files restore a module exactly. A module is in training mode until
 * `setTraining(false)`; layers whose forward pass differs between training and inference read
 * `training`.
 *
 * ```ts
 * class Affine extends Module {
 *   readonly scale: tf.Variable;
 *   constructor(size: number, rng: Rng) {
 *     super('affine');
 *     this.scale = this.addWeight('scale', [size], 'ones', rng);
 *   }
 *   apply(x: tf.Tensor): tf.Tensor {
 *     return tf.mul(x, this.scale);
 *   }
 * }
 * ```
 */
export abstract class Module implements Network {
  static {
    brand(Module, MODULE);
  }

  readonly name: string;
  private readonly entries: Entry[] = [];
  private disposed = false;
  private trainingMode = true;

  constructor(name: string) {
    assertPathSegment('Module', 'name', name);
    this.name = name;
  }

  /** Maps `x` to this module's output; the caller owns the result. */
  abstract apply(x: tf.Tensor): tf.Tensor;

  /** True once `dispose()` has run. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Own and children's trainable variables, depth-first in registration order. */
  get trainableVariables(): tf.Variable[] {
    return Object.values(this.namedWeights());
  }

  /** Every trainable variable by logical name (`<module>/<child>/…/<weight>`); not copies. */
  namedWeights(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    this.collect(this.name, out, 'weight');
    return out;
  }

  /** Every buffer (non-trainable state, e.g. running statistics) by logical name; not copies. */
  namedBuffers(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    this.collect(this.name, out, 'buffer');
    return out;
  }

  /** Whether the module is in training mode (the default) rather than inference mode. */
  get training(): boolean {
    return this.trainingMode;
  }

  /**
   * Puts this module and every child into training mode (`true`) or inference mode (`false`),
   * like PyTorch's `train()`/`eval()`: `BatchNorm` normalises by batch statistics and
   * updates its running ones in training mode, and uses the running ones in inference mode.
   * Returns the module.
   */
  setTraining(training: boolean): this {
    if (typeof training !== 'boolean') {
      throw invalidArgument('Module.setTraining', 'training', training, 'must be a boolean');
    }
    this.trainingMode = training;
    for (const entry of this.entries) {
      if (entry.kind === 'module') entry.module.setTraining(training);
    }
    return this;
  }

  /**
   * Copies of every weight and buffer by logical name, in registration order; the caller owns
   * and must dispose them.
   */
  getWeights(): NamedTensors {
    this.assertLive('Module.getWeights');
    const entries = Object.entries(this.namedState());
    return Object.fromEntries(entries.map(([name, variable]) => [name, tf.clone(variable)]));
  }

  /**
   * Assigns every weight and buffer from `weights`, which must hold exactly this module's names
   * with matching shapes (float32) and no NaN or ±Inf (`InvalidArgumentError` naming the weight;
   * one read, skipped under `setFiniteChecks(false)`). Nothing is assigned unless everything
   * matches; `weights` stays owned by the caller.
   */
  setWeights(weights: NamedTensors): void {
    const fn = 'Module.setWeights';
    this.assertLive(fn);
    assignWeights(fn, `module '${this.name}'`, this.namedState(), weights);
  }

  /** Total number of scalar parameters. */
  numParameters(): number {
    return this.trainableVariables.reduce((total, v) => total + v.size, 0);
  }

  /** Releases every variable of this module and its children. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const entry of this.entries) {
      if (entry.kind === 'module') entry.module.dispose();
      else entry.variable.dispose();
    }
  }

  /**
   * Creates a trainable float32 variable `name` of `shape`, initialised from `rng` with fans
   * from {@link computeFans}.
   */
  protected addWeight(
    name: string,
    shape: number[],
    initializer: InitializerName | Initializer,
    rng: Rng,
  ): tf.Variable {
    const fn = 'Module.addWeight';
    this.assertNewName(fn, name);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d > 0)) {
      throw invalidArgument(fn, 'shape', shape, 'must be an array of positive integers');
    }
    const init = resolveInitializer(fn, 'initializer', initializer);
    const initial = init(shape, computeFans(shape), rng);
    if (!tf.util.arraysEqual(initial.shape, shape)) {
      initial.dispose();
      throw new ShapeMismatchError(
        `${fn}: initializer for '${name}' returned shape [${initial.shape.join(', ')}], ` +
          `expected [${shape.join(', ')}]`,
      );
    }
    const variable = tf.variable(
      initial,
      true,
      freshVariableName(`${this.name}/${name}`),
      'float32',
    );
    initial.dispose();
    this.entries.push({ kind: 'weight', name, variable });
    return variable;
  }

  /**
   * Creates a non-trainable float32 variable `name` holding a copy of `initial` (which stays the
   * caller's): state that the module updates itself, saved and restored with the weights.
   */
  protected addBuffer(name: string, initial: tf.Tensor): tf.Variable {
    const fn = 'Module.addBuffer';
    this.assertNewName(fn, name);
    if (!(initial instanceof tf.Tensor) || initial.isDisposed || initial.dtype !== 'float32') {
      throw invalidArgument(fn, 'initial', initial, 'must be a live float32 tf.Tensor');
    }
    const variable = tf.variable(
      initial,
      false,
      freshVariableName(`${this.name}/${name}`),
      'float32',
    );
    this.entries.push({ kind: 'buffer', name, variable });
    return variable;
  }

  /** Registers `child` under `name`; this module now owns it and disposes it. */
  protected addModule<M extends Module>(name: string, child: M): M {
    const fn = 'Module.addModule';
    this.assertNewName(fn, name);
    if (!isModule(child)) throw invalidArgument(fn, 'child', child, 'must be a Module');
    this.entries.push({ kind: 'module', name, module: child });
    return child;
  }

  /** Throws a typed error naming `fn` once the module has been disposed. */
  protected assertLive(fn: string): void {
    if (this.disposed) {
      throw new InvalidArgumentError(`${fn}: module '${this.name}' has been disposed`);
    }
  }

  private assertNewName(fn: string, name: unknown): asserts name is string {
    assertPathSegment(fn, 'name', name);
    if (this.entries.some((e) => e.name === name)) {
      throw invalidArgument(fn, 'name', name, `must be unique within module '${this.name}'`);
    }
  }

  /** Weights and buffers together, depth-first in registration order. */
  private namedState(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    this.collect(this.name, out, 'all');
    return out;
  }

  private collect(
    prefix: string,
    out: Record<string, tf.Variable>,
    which: 'weight' | 'buffer' | 'all',
  ): void {
    for (const entry of this.entries) {
      const path = `${prefix}/${entry.name}`;
      if (entry.kind === 'module') entry.module.collect(path, out, which);
      else if (which === 'all' || which === entry.kind) out[path] = entry.variable;
    }
  }
}

/**
 * Whether `x` is a {@link Module} (or a subclass) from any installed copy of @gen/nn: a brand
 * check, so a module built with a second copy is recognised where `instanceof Module` is not.
 * Models take their parts as any `Network` (see `isNetwork` in @gen/core); this is for code
 * that needs a Module's own members (`name`, `isDisposed`, `namedWeights`).
 */
export function isModule(x: unknown): x is Module {
  return hasBrand(x, MODULE);
}
