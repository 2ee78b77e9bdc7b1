import { assertKnownOptions, assertNonNegative, assertPositive, invalidArgument } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { ADAM_KERNEL, type AdamKernelAttrs, registerAdamKernel } from './adam-kernel.js';

/** Hyper-parameters of {@link adam} beside the learning rate. */
export interface AdamOptions {
  /** Decay of the first-moment average, in [0, 1) (default 0.9). */
  beta1?: number;
  /** Decay of the second-moment average, in [0, 1) (default 0.999). */
  beta2?: number;
  /** Added to √v̂ in the denominator, > 0 (default 1e-7 on every backend). */
  epsilon?: number;
}

type Slot = { originalName: string; variable: tf.Variable };
type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/** The parts of tfjs's AdamOptimizer that it keeps private; the fused step reads and writes them. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
}

const isFloatOf = (t: tf.Tensor, shape: readonly number[]) =>
  t.dtype === 'float32' && tf.util.arraysEqual(t.shape, shape as number[]);

/**
 * tfjs's Adam whose step is one kernel for all variables on the cpu and wasm backends, where tfjs
 * runs about ten per variable. Everything else (class name, slots, `getWeights`/`setWeights`, the
 * running products `accBeta1`/`accBeta2`) is tfjs's own, so checkpoints move freely between the
 * two; other backends run tfjs's step.
 */
class FusedAdam extends tf.AdamOptimizer {
  constructor(learningRate: number, beta1: number, beta2: number, epsilon: number) {
    super(learningRate, beta1, beta2, epsilon);
    registerAdamKernel();
  }

  override applyGradients(variableGradients: Gradients): void {
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    const gradients = names.map((name, i) =>
      Array.isArray(variableGradients) ? variableGradients[i]?.tensor : variableGradients[name],
    );
    const engine = tf.engine();
    const variables = names.map((name) => engine.registeredVariables[name]);
    const fusable =
      tf.getKernel(ADAM_KERNEL, tf.getBackend()) !== undefined &&
      // tfjs updates a variable listed twice twice, one after the other.
      new Set(names).size === names.length &&
      variables.every(
        (v, i) =>
          v?.dtype === 'float32' && (gradients[i] == null || isFloatOf(gradients[i]!, v.shape)),
      );
    if (!fusable) {
      super.applyGradients(variableGradients);
      return;
    }
    this.fusedStep(variables as tf.Variable[], gradients);
  }

  private fusedStep(variables: tf.Variable[], gradients: (tf.Tensor | undefined | null)[]): void {
    const self = this as unknown as AdamState;
    const first = self.accumulatedFirstMoment;
    const second = self.accumulatedSecondMoment;
    const inputs: tf.NamedTensorMap = { accBeta1: self.accBeta1, accBeta2: self.accBeta2 };
    const targets: Record<string, tf.Variable> = {
      accBeta1: self.accBeta1,
      accBeta2: self.accBeta2,
    };
    let count = 0;
    variables.forEach((value, i) => {
      // Same lazy, position-indexed slots as tfjs, so getWeights lists them in its order.
      first[i] ??= {
        originalName: `${value.name}/m`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      second[i] ??= {
        originalName: `${value.name}/v`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      const gradient = gradients[i];
      if (gradient == null) return;
      const group: Record<string, tf.Variable> = {
        [`param${count}`]: value,
        [`m${count}`]: first[i].variable,
        [`v${count}`]: second[i].variable,
      };
      Object.assign(inputs, group);
      Object.assign(targets, group);
      inputs[`grad${count}`] = gradient;
      count += 1;
    });
    const backend = tf.backend();
    // wasm's matmul and convolution kernels cache their packed weights by tensor id, so there a
    // tensor must never change in place: every new value gets a fresh buffer. On cpu only a
    // buffer that another tensor shares does (a `tf.clone`, a checkpoint being written, a copy a
    // recording tape saved for backprop).
    const fresh = Object.keys(targets).filter(
      (name) => tf.getBackend() !== 'cpu' || backend.refCount(targets[name]!.dataId) > 1,
    );
    const attrs: AdamKernelAttrs = {
      count,
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      fresh,
    };
    const outputs = tf
      .engine()
      .runKernel(ADAM_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    // A fresh buffer replaces the variable's; whoever shared the old one keeps the old values.
    fresh.forEach((name, k) => {
      targets[name]!.assign(outputs[k]!);
    });
    tf.dispose(outputs);
    this.incrementIterations();
  }
}

/**
 * Adam (Kingma & Ba 2015) with tfjs's exact update, in one kernel per step on the cpu and wasm
 * backends (tfjs's `tf.train.adam` dispatches about ten per variable):
 * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε),
 * each float32 rounding as tfjs's, so the parameters are bit for bit those of `tf.train.adam`.
 * It is a `tf.AdamOptimizer` (class name 'Adam', same weights and checkpoints); on webgpu and
 * webgl it takes tfjs's step. ε defaults to 1e-7 on every backend (tfjs takes 1e-4 on WebGL).
 *
 * ```ts
 * await fit(model, x, { steps: 1000, optimizer: adam(1e-3, { beta1: 0.5 }) });
 * ```
 */
export function adam(learningRate = 1e-3, options: AdamOptions = {}): tf.AdamOptimizer {
  const fn = 'adam';
  assertNonNegative(fn, 'learningRate', learningRate);
  assertKnownOptions(fn, options, ['beta1', 'beta2', 'epsilon']);
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 } = options;
  for (const [arg, beta] of [
    ['beta1', beta1],
    ['beta2', beta2],
  ] as const) {
    if (typeof beta !== 'number' || !(beta >= 0 && beta < 1)) {
      throw invalidArgument(fn, arg, beta, 'must be a number in [0, 1)');
    }
  }
  assertPositive(fn, 'epsilon', epsilon);
  return new FusedAdam(learningRate, beta1, beta2, epsilon);
}
