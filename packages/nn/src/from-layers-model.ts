import {
  assertKnownOptions,
  InvalidArgumentError,
  invalidArgument,
  type NamedTensors,
  type Network,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { assignWeights } from './assign-weights.js';
import { assertFiniteWeights } from './finite-weights.js';

/** The members of a tfjs-layers `LayerVariable` the adapter reads. */
export interface LayerVariableLike {
  readonly originalName: string;
  readonly trainable: boolean;
  read(): tf.Tensor;
}

/** The members of a tfjs-layers `Layer` the adapter reads (a nested model has `layers`). */
export interface LayerLike {
  readonly name: string;
  readonly weights: readonly LayerVariableLike[];
  getClassName(): string;
}

/**
 * The members of a tfjs-layers `LayersModel` (`tf.model`, `tf.sequential`) that
 * {@link fromLayersModel} uses. Declared structurally so that @gen/nn itself never imports
 * `@tensorflow/tfjs-layers` (an optional peer dependency): a real `LayersModel` satisfies it.
 */
export interface LayersModelLike {
  readonly layers: readonly LayerLike[];
  readonly trainableWeights: readonly LayerVariableLike[];
  readonly inputs: readonly { readonly shape: readonly (number | null)[] }[];
  readonly outputs: readonly unknown[];
  apply(inputs: tf.Tensor, kwargs?: { training?: boolean }): unknown;
  dispose(): unknown;
}

export interface FromLayersModelOptions {
  /**
   * Run the layers in training mode (default true): batch normalisation uses the batch's
   * statistics and updates its moving averages, dropout is active. tfjs-layers' dropout draws
   * from an unseeded generator, so a model with dropout does not train reproducibly.
   */
  training?: boolean;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** tfjs-layers' `toSnakeCase`, which its generated layer names start with. */
const snakeCase = (name: string) =>
  name
    .replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();

/**
 * Whether tfjs-layers generated `layer.name` from a global counter (`dense_Dense3`,
 * `sequential_2`, `model1`, `input4`): such names differ between two identical models.
 */
function hasGeneratedName(layer: LayerLike): boolean {
  const cls = layer.getClassName();
  const patterns = [
    `${escapeRegExp(snakeCase(cls))}_${escapeRegExp(cls)}\\d+`,
    `${escapeRegExp(cls.toLowerCase())}\\d+`,
    'sequential_\\d+',
    'input\\d+',
  ];
  return new RegExp(`^(?:${patterns.join('|')})$`).test(layer.name);
}

const isContainer = (layer: LayerLike): layer is LayerLike & { layers: readonly LayerLike[] } =>
  Array.isArray((layer as { layers?: unknown }).layers);

/** Every weight of `layers` by stable name, depth-first in layer order (see {@link fromLayersModel}). */
function stableNames(
  layers: readonly LayerLike[],
  prefix: string,
  out: Record<string, tf.Variable>,
  seen: Set<number>,
): void {
  const keys = new Set<string>();
  layers.forEach((layer, index) => {
    const key = hasGeneratedName(layer) ? String(index) : layer.name;
    if (keys.has(key)) {
      throw new InvalidArgumentError(
        `fromLayersModel: layer '${layer.name}' would take the weight prefix '${prefix}${key}/', ` +
          'which the layer at that position already uses; give it a name that is not a number',
      );
    }
    keys.add(key);
    if (isContainer(layer)) {
      stableNames(layer.layers, `${prefix}${key}/`, out, seen);
      return;
    }
    const scope = `${layer.name}/`;
    layer.weights.forEach((weight, i) => {
      const variable = weight.read();
      if (!(variable instanceof tf.Variable)) {
        throw invalidArgument(
          'fromLayersModel',
          'model',
          layer.name,
          'has a weight that is not a tf.Variable',
        );
      }
      // A layer reused at two places of the graph lists the same variable twice.
      if (seen.has(variable.id)) return;
      seen.add(variable.id);
      const role = weight.originalName.startsWith(scope)
        ? weight.originalName.slice(scope.length)
        : String(i);
      out[`${prefix}${key}/${role}`] = variable;
    });
  });
}

/** A tfjs-layers model as a {@link Network}; made by {@link fromLayersModel}. */
export class LayersNetwork implements Network {
  readonly model: LayersModelLike;
  readonly training: boolean;
  private readonly named: Readonly<Record<string, tf.Variable>>;
  private disposed = false;

  /** Use {@link fromLayersModel}. */
  constructor(model: LayersModelLike, options: FromLayersModelOptions = {}) {
    const fn = 'fromLayersModel';
    const m = model as Partial<LayersModelLike> | null;
    if (
      m === null ||
      typeof m !== 'object' ||
      !Array.isArray(m.layers) ||
      !Array.isArray(m.inputs) ||
      !Array.isArray(m.outputs) ||
      typeof m.apply !== 'function' ||
      typeof m.dispose !== 'function'
    ) {
      throw invalidArgument(
        fn,
        'model',
        model,
        'must be a tf.LayersModel from @tensorflow/tfjs-layers',
      );
    }
    if (options === null || typeof options !== 'object') {
      throw invalidArgument(fn, 'options', options, 'must be an options object');
    }
    assertKnownOptions(fn, options, ['training']);
    const { training = true } = options;
    if (typeof training !== 'boolean') {
      throw invalidArgument(fn, 'options.training', training, 'must be a boolean');
    }
    if (model.inputs.length === 0) {
      throw invalidArgument(
        fn,
        'model',
        model,
        'must know its input shape (give its first layer an inputShape)',
      );
    }
    if (model.inputs.length !== 1 || model.outputs.length !== 1) {
      throw invalidArgument(
        fn,
        'model',
        `${model.inputs.length} inputs, ${model.outputs.length} outputs`,
        'must have exactly one input and one output',
      );
    }
    const named: Record<string, tf.Variable> = {};
    stableNames(model.layers, '', named, new Set());
    assertFiniteWeights(fn, named, (name) => `model.weights[${JSON.stringify(name)}]`);
    this.model = model;
    this.training = training;
    this.named = named;
  }

  /** True once `dispose()` has run. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** The variables tfjs-layers trains (honouring `layer.trainable`), in stable-name order. */
  get trainableVariables(): tf.Variable[] {
    this.assertLive('LayersNetwork.trainableVariables');
    const ids = new Set(this.model.trainableWeights.map((w) => w.read().id));
    return Object.values(this.named).filter((v) => ids.has(v.id));
  }

  /** Every weight, trainable or not (batch-norm moving averages), by stable name; not copies. */
  namedWeights(): Record<string, tf.Variable> {
    return { ...this.named };
  }

  /** The model on `x` (one input, one output); the caller owns the result. */
  apply(x: tf.Tensor): tf.Tensor {
    const fn = 'LayersNetwork.apply';
    this.assertLive(fn);
    if (!(x instanceof tf.Tensor) || x.isDisposed) {
      throw invalidArgument(fn, 'x', x, 'must be a live tf.Tensor');
    }
    const expected = this.model.inputs[0]!.shape;
    const fits =
      x.rank === expected.length && expected.every((d, i) => d === null || d === x.shape[i]);
    if (!fits) {
      throw new ShapeMismatchError(
        `${fn}: argument 'x' must have shape [${expected.map((d) => d ?? 'n').join(', ')}], ` +
          `got [${x.shape.join(', ')}]`,
      );
    }
    return tf.tidy(() => {
      const out = this.model.apply(x, { training: this.training });
      if (!(out instanceof tf.Tensor)) {
        throw new InvalidArgumentError(`${fn}: the model did not return one tf.Tensor`);
      }
      return out;
    });
  }

  /** Copies of every weight by stable name; the caller owns and must dispose them. */
  getWeights(): NamedTensors {
    this.assertLive('LayersNetwork.getWeights');
    return Object.fromEntries(Object.entries(this.named).map(([name, v]) => [name, tf.clone(v)]));
  }

  /**
   * Assigns every weight from `weights`, which must hold exactly the names of `getWeights()`
   * with matching dtypes and shapes; nothing is assigned unless everything matches. Values are
   * assigned as given (layer constraints are not re-applied), so a restored checkpoint is exact.
   */
  setWeights(weights: NamedTensors): void {
    const fn = 'LayersNetwork.setWeights';
    this.assertLive(fn);
    assignWeights(fn, 'the layers model', this.named, weights);
  }

  /** Disposes the model and its variables. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
  }

  private assertLive(fn: string): void {
    if (this.disposed) throw new InvalidArgumentError(`${fn}: the network has been disposed`);
  }
}

/**
 * Adapts a tfjs-layers model (`tf.sequential`, `tf.model`) with one input and one output to a
 * `Network`, so any `@gen` model that takes networks (`Gan`, `Vae`, `Autoencoder`) trains it:
 * `apply(x)` calls the model (training mode unless `{ training: false }`), `trainableVariables`
 * are its trainable `tf.Variable`s (gradients flow through `tf.variableGrads`), and
 * `getWeights()`/`setWeights()` use names that are the same for every model built the same way.
 *
 * Weight names are `<layer>/<role>`: `<layer>` is the name you gave the layer, or its position
 * in `model.layers` when tfjs-layers generated the name (`dense_Dense3` becomes `0`; generated
 * names carry a global counter and differ between two identical models); `<role>` is the
 * weight's name within its layer (`kernel`, `bias`, `gamma`, `moving_mean`, …). A nested model
 * adds its own `<layer>/` level. Every weight is named, trainable or not, so batch-norm moving
 * averages are checkpointed too. `dispose()` disposes the model.
 *
 * ```ts
 * import * as tfl from '@tensorflow/tfjs-layers';
 * const model = tfl.sequential({ layers: [
 *   tfl.layers.dense({ units: 64, inputShape: [8], activation: 'relu' }),
 *   tfl.layers.dense({ units: 2, name: 'out' }),
 * ] });
 * const generator = fromLayersModel(model); // weights '0/kernel', '0/bias', 'out/kernel', 'out/bias'
 * ```
 */
export function fromLayersModel(
  model: LayersModelLike,
  options?: FromLayersModelOptions,
): LayersNetwork {
  return new LayersNetwork(model, options);
}
