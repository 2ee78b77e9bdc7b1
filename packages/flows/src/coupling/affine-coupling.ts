import type { Network } from '@gen/core';
import type { Activation } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { recordPart } from '../flow/transform-configs.js';
import { LearnedBijector } from '../learned-bijector.js';
import {
  CONDITION_OPTIONS,
  type ConditionOptions,
  type LearnedBijectorOptions,
  parseConditionSize,
  parseLearnedOptions,
} from '../options.js';
import {
  logScaleFromRaw,
  parseScale,
  SCALE_OPTIONS,
  type ScaleOptions,
  type ScaleSpec,
} from '../scale.js';
import {
  applyConditioner,
  CONDITIONER_OPTIONS,
  type ConditionerOptions,
  couplingMlp,
  resolveConditioner,
} from './conditioner.js';
import {
  type CouplingMaskOptions,
  type CouplingSplit,
  MASK_OPTIONS,
  mergeCoupling,
  resolveCouplingMask,
  splitCoupling,
} from './coupling-mask.js';

export interface AffineCouplingOptions
  extends LearnedBijectorOptions,
    CouplingMaskOptions,
    ScaleOptions,
    ConditionerOptions,
    ConditionOptions {
  /** Activation of the built-in conditioner's hidden layers (default 'relu'). */
  activation?: Activation;
}

/**
 * RealNVP affine coupling layer (Dinh, Sohl-Dickstein & Bengio 2017). With b the 0/1 mask
 * (1 = kept), x_b the kept and x_{1−b} the transformed coordinates:
 *
 *   y_b = x_b,   y_{1−b} = x_{1−b} ⊙ exp(log s(x_b)) + t(x_b),   log |det J| = Σ log s(x_b),
 *
 * and the inverse x_{1−b} = (y_{1−b} − t(y_b)) ⊙ exp(−log s(y_b)) in one pass as well. The
 * conditioner maps the k kept coordinates to (t, a), `[n, k]` → `[n, 2m]` for m transformed
 * ones (shifts first): by default an @gen/nn Mlp named 'conditioner' whose last layer starts at
 * zero, or any `Network` you pass as `conditioner`. log s = c·tanh(a/c) ('tanh', default,
 * c = `logScaleBound` = 2) or log(m + softplus(…)) ('softplus'), so with the built-in network a
 * new layer is exactly the identity. Alternate `parity` (or pass complementary `mask`s) between
 * layers so every coordinate is transformed. `dim` >= 2. With `conditionSize` C the conditioner
 * reads [x_b, c] (`[n, k + C]`): a conditional coupling layer f(x; c) (see `LearnedBijector`).
 *
 * ```ts
 * const layer = new AffineCoupling({ dim: 2, hiddenSizes: [64, 64], parity: 1, seed: 0 });
 * const { y, logDet } = layer.forwardAndLogDet(z); // z: [n, 2] → y: [n, 2], logDet: [n]
 * ```
 */
export class AffineCoupling extends LearnedBijector {
  readonly isConstantJacobian = false;
  /** The network computing (t, a) from the kept coordinates. */
  readonly conditioner: Network;
  /** The mask b: 1 = kept (conditions the rest), 0 = transformed. */
  readonly mask: readonly number[];
  private readonly split: CouplingSplit;
  private readonly scale: ScaleSpec;

  constructor(options: AffineCouplingOptions) {
    const fn = 'AffineCoupling';
    const known = [
      ...MASK_OPTIONS,
      ...SCALE_OPTIONS,
      ...CONDITIONER_OPTIONS,
      ...CONDITION_OPTIONS,
      'activation',
    ];
    const { dim, hiddenSizes, rng } = parseLearnedOptions(fn, options, known, 2);
    const conditionSize = parseConditionSize(fn, options);
    const split = resolveCouplingMask(fn, dim, options);
    const scale = parseScale(fn, options);
    const conditioner = resolveConditioner(fn, options, () =>
      couplingMlp({
        inputSize: split.kept.length + conditionSize,
        hiddenSizes,
        outputSize: 2 * split.transformed.length,
        activation: options.activation,
        rng,
      }),
    );
    super(fn, options.name ?? 'affineCoupling', dim, conditionSize);
    recordPart(this, fn, options);
    this.conditioner = this.addNetwork(conditioner);
    this.split = split;
    this.mask = split.mask;
    this.scale = scale;
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    const [kept, transformed] = splitCoupling(x, this.split);
    const { shift, logScale } = this.shiftAndLogScale(kept);
    const y = tf.add(tf.mul(transformed, tf.exp(logScale)), shift);
    return { y: mergeCoupling(kept, y, this.split), logDet: tf.sum(logScale, -1) };
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    const [kept, transformed] = splitCoupling(y, this.split);
    const { shift, logScale } = this.shiftAndLogScale(kept);
    const x = tf.mul(tf.sub(transformed, shift), tf.exp(tf.neg(logScale)));
    return { x: mergeCoupling(kept, x, this.split), logDet: tf.neg(tf.sum(logScale, -1)) };
  }

  private shiftAndLogScale(kept: tf.Tensor): { shift: tf.Tensor; logScale: tf.Tensor } {
    const m = this.split.transformed.length;
    const input = this.withContextColumns(kept);
    const out = applyConditioner(this.kind, this.conditioner, input, 2 * m);
    const [shift, raw] = tf.split(out, [m, m], -1) as [tf.Tensor, tf.Tensor];
    return { shift, logScale: logScaleFromRaw(raw, this.scale) };
  }
}
