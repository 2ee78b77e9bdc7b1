import { assertInteger, invalidArgument, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { type Activation, resolveActivation } from './activation.js';
import { Dense } from './dense.js';
import { asStack } from './fused-dense.js';
import { Module } from './module.js';
import { assertLastAxis, assertOptions, assertSizes, resolveRng } from './options.js';

export interface MlpOptions {
  inputSize: number;
  /** Widths of the hidden layers, e.g. [256, 256]; [] gives a single affine layer. */
  hiddenSizes: readonly number[];
  outputSize: number;
  /** Activation after every hidden layer (default 'relu'). */
  activation?: Activation;
  /** Activation after the last layer (default 'none'). */
  outputActivation?: Activation;
  /**
   * Zero the last layer's kernel and bias so the network starts as the constant 0 (default
   * false). Flows use it so that every coupling layer starts as the identity.
   */
  zeroInitLast?: boolean;
  /** Seed of the initial weights (default 0); give `seed` or `rng`, not both. */
  seed?: number;
  /** Generator to draw the initial weights from (it advances). */
  rng?: Rng;
  /** Module name (default 'mlp'); layers are named `<name>/dense0`, `<name>/dense1`, … */
  name?: string;
}

const OPTIONS = [
  'inputSize',
  'hiddenSizes',
  'outputSize',
  'activation',
  'outputActivation',
  'zeroInitLast',
  'seed',
  'rng',
  'name',
] as const;

/**
 * Multilayer perceptron: a stack of {@link Dense} layers
 * h₀ = x, hₗ = act(hₗ₋₁·Wₗ + bₗ), y = outputAct(h_L·W_{L+1} + b_{L+1}), with
 * x: [..., inputSize] and y: [..., outputSize]. Layer l draws its weights from the l-th child of
 * `rng.split(layers)`, so changing one width does not reshuffle the other layers.
 *
 * ```ts
 * const mlp = new Mlp({ inputSize: 2, hiddenSizes: [64, 64], outputSize: 1, seed: 0 });
 * const y = mlp.apply(tf.randomNormal([32, 2])); // [32, 1]
 * mlp.trainableVariables; // mlp/dense0/kernel, mlp/dense0/bias, …
 * ```
 */
export class Mlp extends Module {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly hiddenSizes: readonly number[];
  /** The Dense layers, input first. */
  readonly layers: readonly Dense[];

  constructor(options: MlpOptions) {
    const fn = 'Mlp';
    assertOptions(fn, options, OPTIONS);
    super(options.name ?? 'mlp');
    const { inputSize, hiddenSizes, outputSize, zeroInitLast = false } = options;
    assertInteger(fn, 'inputSize', inputSize, 1);
    assertSizes(fn, 'hiddenSizes', hiddenSizes);
    assertInteger(fn, 'outputSize', outputSize, 1);
    if (typeof zeroInitLast !== 'boolean') {
      throw invalidArgument(fn, 'zeroInitLast', zeroInitLast, 'must be a boolean');
    }
    const activation = options.activation ?? 'relu';
    const outputActivation = options.outputActivation ?? 'none';
    resolveActivation(fn, 'activation', activation);
    resolveActivation(fn, 'outputActivation', outputActivation);
    const sizes = [inputSize, ...hiddenSizes, outputSize];
    const rngs = resolveRng(fn, options).split(sizes.length - 1);
    const layers: Dense[] = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const last = l + 2 === sizes.length;
      const name = `dense${l}`;
      const layer = new Dense({
        inputSize: sizes[l]!,
        outputSize: sizes[l + 1]!,
        activation: last ? outputActivation : activation,
        rng: rngs[l]!,
        name,
        ...(last && zeroInitLast ? { kernelInitializer: 'zeros', biasInitializer: 'zeros' } : {}),
      });
      layers.push(this.addModule(name, layer));
    }
    this.inputSize = inputSize;
    this.outputSize = outputSize;
    this.hiddenSizes = [...hiddenSizes];
    this.layers = layers;
  }

  /** Runs the stack on `x: [..., inputSize]`; returns `[..., outputSize]`. */
  apply(x: tf.Tensor): tf.Tensor {
    const fn = 'Mlp.apply';
    this.assertLive(fn);
    assertLastAxis(fn, 'x', x, this.inputSize);
    return tf.tidy(() =>
      asStack(x, this.inputSize, this.outputSize, (input) =>
        this.layers.reduce((h, layer) => layer.apply(h), input),
      ),
    );
  }
}
