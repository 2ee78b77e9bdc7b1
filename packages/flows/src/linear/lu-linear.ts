import { assertOneOf, invalidArgument, type NamedTensors } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { recordPart } from '../flow/transform-configs.js';
import { LearnedBijector } from '../learned-bijector.js';
import { type LearnedBijectorOptions, parseLearnedOptions } from '../options.js';
import {
  type LuParts,
  luForwardRows,
  luInverseRows,
  luMatrix,
  resolvePermutation,
  triangleMasks,
} from './lu-weights.js';

export interface LuLinearOptions extends LearnedBijectorOptions {
  /**
   * The fixed permutation P: 'none' (default; a new layer is the identity), 'reverse', or
   * 'random' (drawn from the seed). An LU factorisation without pivoting cannot represent every
   * matrix (a swap of two coordinates needs P), so a fixed P widens what the layer can learn.
   */
  permutation?: 'none' | 'reverse' | 'random';
}

/**
 * LU-decomposed invertible linear map (Kingma & Dhariwal 2018 §3.2; nflows `LULinear`):
 *
 *   y = W x,  W = P L (U + diag(s)),  log |det W| = Σᵢ log sᵢ  (constant),
 *
 * with P a fixed permutation, L unit lower triangular, U strictly upper triangular and
 * s = exp(log s) > 0, all of L, U and log s learned (`<name>/lower`, `<name>/upper`,
 * `<name>/logScale`, D × D, D × D and D; only the strict triangles are read). The log-det costs
 * O(D) and the inverse two triangular solves (O(D²) per row), instead of the O(D³) of a general
 * matrix. A new layer with `permutation: 'none'` is the identity. `hiddenSizes` is ignored.
 *
 * ```ts
 * const lu = new LuLinear({ dim: 4, permutation: 'random', seed: 0 });
 * const { y, logDet } = lu.forwardAndLogDet(x); // x: [n, 4]
 * ```
 */
export class LuLinear extends LearnedBijector {
  /** The class name in messages and the default weight name (subclasses set their own). */
  protected static readonly kindName: string = 'LuLinear';
  protected static readonly defaultName: string = 'luLinear';
  readonly isConstantJacobian = true;
  private lu: LuParts;
  /** P as a float32 variable (not trainable), so that weights and checkpoints carry it. */
  private readonly permutationWeight: tf.Variable;
  private readonly masks: { strictLower: tf.Tensor2D; strictUpper: tf.Tensor2D };

  constructor(options: LuLinearOptions) {
    const cls = new.target as typeof LuLinear;
    const fn = cls.kindName;
    const { dim, rng } = parseLearnedOptions(fn, options, ['permutation']);
    const { permutation = 'none' } = options;
    assertOneOf(fn, 'permutation', permutation, ['none', 'reverse', 'random'] as const);
    super(fn, options.name ?? cls.defaultName, dim);
    recordPart(this, fn, options);
    const [permRng, weightRng] = rng.split(2) as [typeof rng, typeof rng];
    const order = Object.freeze(resolvePermutation(dim, permutation, permRng));
    this.permutationWeight = tf.tidy(() => tf.variable(tf.tensor1d([...order]), false));
    this.lu = {
      permutation: order,
      lower: this.addWeight('lower', [dim, dim], 'zeros', weightRng),
      upper: this.addWeight('upper', [dim, dim], 'zeros', weightRng),
      logScale: this.addWeight('logScale', [dim], 'zeros', weightRng),
    };
    // keep: a layer built inside a user's tf.tidy must not lose its masks when it ends.
    const masks = triangleMasks(dim);
    this.masks = {
      strictLower: tf.keep(masks.strictLower),
      strictUpper: tf.keep(masks.strictUpper),
    };
  }

  /** P as an index list: (W x)ᵢ is row permutation[i] of L Ũ times x. */
  get permutation(): readonly number[] {
    return this.lu.permutation;
  }

  /** The weights and P (`<name>/permutation`, fixed: not trainable) by logical name. */
  override namedWeights(): Record<string, tf.Variable> {
    return { ...super.namedWeights(), [`${this.name}/permutation`]: this.permutationWeight };
  }

  /** Copies of the weights and of P. */
  override getWeights(): NamedTensors {
    return {
      ...super.getWeights(),
      [`${this.name}/permutation`]: tf.clone(this.permutationWeight),
    };
  }

  /** Assigns the weights and P (which must be a permutation of 0..D−1; read back once). */
  override setWeights(weights: NamedTensors): void {
    const name = `${this.name}/permutation`;
    const { [name]: p, ...rest } = weights;
    const values = p instanceof tf.Tensor && p.size === this.dim ? Array.from(p.dataSync()) : [];
    const ok =
      values.length === this.dim &&
      values.every((v) => Number.isInteger(v) && v >= 0 && v < this.dim) &&
      new Set(values).size === this.dim;
    if (!ok) {
      throw invalidArgument(
        `${this.kind}.setWeights`,
        `weights['${name}']`,
        p,
        `must be a permutation of 0..${this.dim - 1}`,
      );
    }
    super.setWeights(rest);
    const order = values;
    tf.tidy(() => this.permutationWeight.assign(tf.tensor1d(order)));
    this.lu = { ...this.lu, permutation: Object.freeze(order) };
  }

  /** W = P L (U + diag(s)), `[D, D]`; the caller owns it. */
  matrix(): tf.Tensor2D {
    this.assertLive(`${this.kind}.matrix`);
    return tf.tidy(() => luMatrix(this.lu, this.masks));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    tf.dispose([this.masks.strictLower, this.masks.strictUpper, this.permutationWeight]);
    super.dispose();
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    const rows = tf.reshape(x, [-1, this.dim]) as tf.Tensor2D;
    const y = tf.reshape(luForwardRows(this.lu, this.masks, rows), x.shape);
    return { y, logDet: this.constantLogDet(x, 1) };
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    const rows = tf.reshape(y, [-1, this.dim]) as tf.Tensor2D;
    const x = tf.reshape(luInverseRows(this.lu, this.masks, rows), y.shape);
    return { x, logDet: this.constantLogDet(y, -1) };
  }

  /** ±Σ log s per vector, broadcast to the batch shape of `v` (`[..., D]`). */
  protected constantLogDet(v: tf.Tensor, sign: 1 | -1): tf.Tensor {
    return tf.mul(tf.ones(v.shape.slice(0, -1)), tf.mul(sign, tf.sum(this.lu.logScale)));
  }
}
