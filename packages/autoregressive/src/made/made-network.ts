import type { Rng } from '@gen/core';
import { type Activation, getActivation, Module, madeMasks } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';

// Internal: the masked MLP behind Made; not part of the public API.

export interface MadeNetworkOptions {
  inputSize: number;
  hiddenSizes: readonly number[];
  /** Parameters per input dimension P; the output has P·D units in blocks. */
  paramsPerDim: number;
  ordering: 'natural' | 'random' | readonly number[];
  numMasks: number;
  activation: Activation;
  /** Draws the weights. */
  weightRng: Rng;
  /** Draws the orderings and hidden degrees. */
  maskRng: Rng;
}

/**
 * A MADE network with one set of weights and a pool of `numMasks` mask sets (Germain et al.
 * 2015, §3.3): h⁰ = x, hˡ = act(hˡ⁻¹·(Wˡ ⊙ Mˡₘ) + bˡ), out = h^{L}·(W^{L+1} ⊙ M^{L+1}ₘ) + b^{L+1},
 * with the masks of pool entry m from `madeMasks` (@gen/nn). With one mask the degrees follow
 * `madeMasks`' default; with several they are drawn at random for every entry
 * (connectivity-agnostic), and a 'random' ordering is redrawn for every entry (order-agnostic).
 * Output unit j·D + i is parameter j of input i.
 */
export class MadeNetwork extends Module {
  /** orderings[m][i] is the position of input i under mask m. */
  readonly orderings: readonly (readonly number[])[];
  private readonly kernels: tf.Variable[] = [];
  private readonly biases: tf.Variable[] = [];
  /** masks[m][l]: the 0/1 mask of layer l under pool entry m. */
  private readonly masks: tf.Tensor2D[][];
  private readonly activate: (x: tf.Tensor) => tf.Tensor;

  constructor(options: MadeNetworkOptions) {
    super('network');
    const { inputSize, hiddenSizes, paramsPerDim, ordering, numMasks } = options;
    this.activate = getActivation(options.activation);
    const sizes = [inputSize, ...hiddenSizes, inputSize * paramsPerDim];
    const rngs = options.weightRng.split(sizes.length - 1);
    for (let l = 0; l + 1 < sizes.length; l++) {
      const shape = [sizes[l]!, sizes[l + 1]!];
      this.kernels.push(this.addWeight(`kernel${l}`, shape, 'glorotUniform', rngs[l]!));
      this.biases.push(this.addWeight(`bias${l}`, [sizes[l + 1]!], 'zeros', rngs[l]!));
    }
    const orderings: number[][] = [];
    this.masks = [];
    for (let m = 0; m < numMasks; m++) {
      const built = madeMasks({
        inputSize,
        hiddenSizes,
        ordering,
        outputMultiplier: paramsPerDim,
        rng: options.maskRng,
        ...(numMasks > 1 ? { connectivity: 'random' as const } : {}),
      });
      orderings.push(built.inputDegrees.map((d) => d - 1));
      // keep: a model built inside a user's tf.tidy must not lose its masks when it ends.
      this.masks.push(built.masks.map((mask) => tf.keep(tf.tensor2d(mask))));
    }
    this.orderings = orderings;
  }

  /** The network under mask 0: `x: [n, D]` → `[n, P·D]`. */
  apply(x: tf.Tensor): tf.Tensor {
    return this.forward(x, 0);
  }

  /** The network under mask `m`: `x: [n, D]` → `[n, P·D]` (inputs are not validated here). */
  forward(x: tf.Tensor, m: number): tf.Tensor {
    this.assertLive('Made');
    const masks = this.masks[m]!;
    return tf.tidy(() => {
      let h: tf.Tensor = x;
      const last = this.kernels.length - 1;
      this.kernels.forEach((kernel, l) => {
        const z = tf.add(tf.matMul(h, tf.mul(kernel, masks[l]!)), this.biases[l]!);
        h = l < last ? this.activate(z) : z;
      });
      return h;
    });
  }

  override dispose(): void {
    if (this.isDisposed) return;
    tf.dispose(this.masks.flat());
    super.dispose();
  }
}
