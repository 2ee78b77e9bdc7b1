import { assertInteger, invalidArgument, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { type Activation, type ActivationPlan, resolveActivationPlan } from './activation.js';
import { fusedDense } from './fused-dense.js';
import { type Initializer, type InitializerName, resolveInitializer } from './init.js';
import { Module } from './module.js';
import { assertLastAxis, assertOptions, resolveRng } from './options.js';

export interface DenseOptions {
  inputSize: number;
  outputSize: number;
  /** Elementwise activation after the affine map (default 'none'). */
  activation?: Activation;
  /** Whether to add a bias (default true). */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerName | Initializer;
  /** Default 'zeros'. */
  biasInitializer?: InitializerName | Initializer;
  /** Seed of the initial weights (default 0); give `seed` or `rng`, not both. */
  seed?: number;
  /** Generator to draw the initial weights from (it advances). */
  rng?: Rng;
  /** Module name, the first segment of the weight names (default 'dense'). */
  name?: string;
}

export const DENSE_OPTIONS = [
  'inputSize',
  'outputSize',
  'activation',
  'useBias',
  'kernelInitializer',
  'biasInitializer',
  'seed',
  'rng',
  'name',
] as const;

/**
 * Fully connected layer y = act(x·W + b) with kernel W: [inputSize, outputSize] and bias
 * b: [outputSize]. `x` is `[..., inputSize]` with any leading batch axes; `y` is
 * `[..., outputSize]`. Weights are named `<name>/kernel` and `<name>/bias`. The matmul, the
 * bias and the activation run as one fused tfjs kernel where tfjs can fuse the activation (none,
 * relu, leaky relu with a slope ≥ 0, elu, sigmoid; on wasm relu follows as its own kernel).
 *
 * ```ts
 * const layer = new Dense({ inputSize: 784, outputSize: 128, activation: 'relu', seed: 0 });
 * const h = layer.apply(x); // [batch, 128]
 * ```
 */
export class Dense extends Module {
  /** Class name used in error messages; subclasses override it. */
  static readonly displayName: string = 'Dense';
  readonly inputSize: number;
  readonly outputSize: number;
  readonly activation: Activation;
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable | null;
  protected readonly kind: string;
  private readonly plan: ActivationPlan;

  constructor(options: DenseOptions) {
    const kind = (new.target as typeof Dense).displayName;
    assertOptions(kind, options, DENSE_OPTIONS);
    super(options.name ?? 'dense');
    this.kind = kind;
    const { inputSize, outputSize, useBias = true } = options;
    assertInteger(kind, 'inputSize', inputSize, 1);
    assertInteger(kind, 'outputSize', outputSize, 1);
    if (typeof useBias !== 'boolean') {
      throw invalidArgument(kind, 'useBias', useBias, 'must be a boolean');
    }
    this.inputSize = inputSize;
    this.outputSize = outputSize;
    this.activation = options.activation ?? 'none';
    this.plan = resolveActivationPlan(kind, 'activation', this.activation);
    const kernelInit = resolveInitializer(
      kind,
      'kernelInitializer',
      options.kernelInitializer ?? 'glorotUniform',
    );
    const biasInit = resolveInitializer(
      kind,
      'biasInitializer',
      options.biasInitializer ?? 'zeros',
    );
    const rng = resolveRng(kind, options);
    this.kernel = this.addWeight('kernel', [inputSize, outputSize], kernelInit, rng);
    this.bias = useBias ? this.addWeight('bias', [outputSize], biasInit, rng) : null;
  }

  /** y = act(x·W + b) for `x: [..., inputSize]`; returns `[..., outputSize]`. */
  apply(x: tf.Tensor): tf.Tensor {
    const fn = `${this.kind}.apply`;
    this.assertLive(fn);
    assertLastAxis(fn, 'x', x, this.inputSize);
    return tf.tidy(() => fusedDense(x, this.effectiveKernel(), this.bias, this.plan));
  }

  /** The kernel as used by `apply` (subclasses mask it). */
  protected effectiveKernel(): tf.Tensor {
    return this.kernel;
  }
}
