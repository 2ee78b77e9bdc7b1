import { assertInteger, invalidArgument } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { DENSE_OPTIONS, Dense, type DenseOptions } from './dense.js';
import { assertOptions } from './options.js';

export interface MaskedDenseOptions extends DenseOptions {
  /** 0/1 connectivity `[inputSize][outputSize]`: mask[i][j] = 1 lets input i reach output j. */
  mask: readonly (readonly number[])[];
}

function flattenMask(options: MaskedDenseOptions): Float32Array {
  const fn = 'MaskedDense';
  const { inputSize, outputSize, mask } = options;
  assertInteger(fn, 'inputSize', inputSize, 1);
  assertInteger(fn, 'outputSize', outputSize, 1);
  const expectation = `must be a ${inputSize}×${outputSize} array of 0/1 rows`;
  if (!Array.isArray(mask) || mask.length !== inputSize) {
    throw invalidArgument(fn, 'mask', mask, expectation);
  }
  const flat = new Float32Array(inputSize * outputSize);
  mask.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== outputSize) {
      throw invalidArgument(fn, `mask[${i}]`, row, expectation);
    }
    row.forEach((m: unknown, j) => {
      if (m !== 0 && m !== 1) throw invalidArgument(fn, `mask[${i}][${j}]`, m, 'must be 0 or 1');
      flat[i * outputSize + j] = m;
    });
  });
  return flat;
}

/**
 * Dense layer whose kernel is multiplied by a fixed 0/1 mask at apply time:
 * y = act(x·(W ⊙ M) + b), W and M: [inputSize, outputSize]. The building block of MADE
 * (Germain et al. 2015) and MAF/IAF conditioners; masks come from {@link madeMasks}. The mask is
 * a constant, not a trainable variable, and is released by `dispose()`. Because masked entries
 * of W receive zero gradient, they never influence the output.
 *
 * ```ts
 * const { masks } = madeMasks({ inputSize: 4, hiddenSizes: [16], ordering: 'natural' });
 * const hidden = new MaskedDense({ inputSize: 4, outputSize: 16, mask: masks[0]!, activation: 'relu' });
 * ```
 */
export class MaskedDense extends Dense {
  static override readonly displayName: string = 'MaskedDense';
  /** The mask M: [inputSize, outputSize]. */
  readonly mask: tf.Tensor2D;

  constructor(options: MaskedDenseOptions) {
    assertOptions('MaskedDense', options, [...DENSE_OPTIONS, 'mask']);
    const values = flattenMask(options);
    const { mask: _mask, ...dense } = options;
    super(dense);
    // keep: a MaskedDense built inside a user's tf.tidy must not lose its mask when it ends.
    this.mask = tf.keep(tf.tensor2d(values, [this.inputSize, this.outputSize]));
  }

  protected override effectiveKernel(): tf.Tensor {
    return tf.mul(this.kernel, this.mask);
  }

  override dispose(): void {
    if (!this.mask.isDisposed) this.mask.dispose();
    super.dispose();
  }
}
