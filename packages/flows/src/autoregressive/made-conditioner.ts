import { GenError, type Rng } from '@gen/core';
import { type Activation, getActivation, MaskedDense, Module, madeMasks } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link MadeConditioner}. */
export interface MadeConditionerOptions {
  dim: number;
  hiddenSizes: readonly number[];
  /** Parameters per coordinate (outputs come in blocks: unit j·D + i is parameter j of i). */
  outputMultiplier: number;
  ordering: 'natural' | 'random' | readonly number[];
  activation: Activation;
  rng: Rng;
}

/**
 * A MADE network (Germain et al. 2015) from @gen/nn's `MaskedDense` and `madeMasks`: output
 * block j, coordinate i depends only on the inputs before i in the ordering. The last layer
 * starts at zero so that a new autoregressive flow layer is the identity.
 */
export class MadeConditioner extends Module {
  readonly layers: readonly MaskedDense[];
  /** Position of each input in the autoregressive order. */
  readonly ordering: readonly number[];
  private readonly activate: (x: tf.Tensor) => tf.Tensor;

  constructor(fn: string, options: MadeConditionerOptions) {
    const { dim, hiddenSizes, outputMultiplier, ordering, activation, rng } = options;
    let masks: ReturnType<typeof madeMasks>;
    let activate: (x: tf.Tensor) => tf.Tensor;
    try {
      const [maskRng] = rng.split(1);
      masks = madeMasks({ inputSize: dim, hiddenSizes, ordering, outputMultiplier, rng: maskRng! });
      activate = getActivation(activation);
    } catch (error) {
      if (error instanceof GenError) {
        const Kind = error.constructor as new (m: string, o: { cause: unknown }) => GenError;
        throw new Kind(`${fn}: ${error.message}`, { cause: error });
      }
      throw error;
    }
    super('made');
    const sizes = [dim, ...hiddenSizes, dim * outputMultiplier];
    const layerRngs = rng.split(sizes.length - 1);
    this.layers = masks.masks.map((mask, l) => {
      const last = l === masks.masks.length - 1;
      const layer = new MaskedDense({
        inputSize: sizes[l]!,
        outputSize: sizes[l + 1]!,
        mask,
        rng: layerRngs[l]!,
        name: `masked${l}`,
        ...(last ? { kernelInitializer: 'zeros', biasInitializer: 'zeros' } : {}),
      });
      return this.addModule(`masked${l}`, layer);
    });
    this.ordering = masks.inputDegrees.map((d) => d - 1);
    this.activate = activate;
  }

  /** `[..., D]` → `[..., outputMultiplier · D]`. */
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      this.layers.reduce(
        (h, layer, l) =>
          l < this.layers.length - 1 ? this.activate(layer.apply(h)) : layer.apply(h),
        x,
      ),
    );
  }
}
