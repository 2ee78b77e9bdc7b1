import { assertOneOf, InvalidArgumentError, invalidArgument, type Network } from '@gen/core';
import { type Activation, ConditionalMadeNetwork, MadeNetwork } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import {
  applyConditioner,
  CONDITIONER_OPTIONS,
  type ConditionerOptions,
  resolveConditioner,
} from '../coupling/conditioner.js';
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

export interface MaskedAutoregressiveOptions
  extends LearnedBijectorOptions,
    ScaleOptions,
    ConditionerOptions,
    ConditionOptions {
  /**
   * 'maf' (default): the network reads the data side, so `inverse` (data → noise, density
   * evaluation) takes one pass and `forward` (sampling) D passes. 'iaf': the network reads the
   * noise side, so `forward` takes one pass and `inverse` D passes.
   */
  direction?: 'maf' | 'iaf';
  /**
   * Autoregressive order of the coordinates: 'natural' (default), 'reverse', 'random' (from the
   * seed) or a permutation p where p[i] is the position of coordinate i.
   */
  ordering?: 'natural' | 'reverse' | 'random' | readonly number[];
  /** Activation of the built-in MADE network's hidden layers (default 'relu'). */
  activation?: Activation;
}

/**
 * Masked autoregressive affine flow layer: MAF (Papamakarios, Pavlakou & Murray 2017) or IAF
 * (Kingma et al. 2016), with a MADE conditioner: @gen/nn's `MadeNetwork` named 'made' (outputs
 * per input 2, last layer at zero), or your own `Network` as `conditioner`, which must map
 * `[n, D]` to `[n, 2D]` (shifts, then raw log-scales) autoregressively: output i and D + i may
 * depend only on the inputs before i in some order (a `MadeNetwork` does; this is not checked).
 * With noise side x, data side y and (μ, a) = MADE(·), log s = c·tanh(a/c) (or softplus):
 *
 *   MAF: y_i = x_i · s_i(y_{<i}) + μ_i(y_{<i}),   x = (y − μ(y)) ⊙ exp(−log s(y)) in one pass;
 *   IAF: y_i = x_i · s_i(x_{<i}) + μ_i(x_{<i}),   y = x ⊙ exp(log s(x)) + μ(x) in one pass;
 *
 * log |det ∂y/∂x| = Σ_i log s_i either way (the Jacobian is triangular in the ordering). The
 * sequential direction runs the network D times. Use MAF for density estimation (fast logProb),
 * IAF for fast sampling (variational posteriors). A new layer is the identity.
 *
 * With `conditionSize` C it is conditional, (μ, a) = MADE(·, c) (Papamakarios et al. 2017 §3.4):
 * the built-in network is @gen/nn's `ConditionalMadeNetwork`, whose every layer reads the
 * context c through unmasked weights; your own conditioner receives `[n, D + C]` (x, then c) and
 * must keep the first D inputs autoregressive.
 *
 * ```ts
 * const maf = new MaskedAutoregressive({ dim: 2, hiddenSizes: [64, 64], seed: 0 });
 * const { x, logDet } = maf.inverseAndLogDet(data); // one pass
 * ```
 */
export class MaskedAutoregressive extends LearnedBijector {
  readonly isConstantJacobian = false;
  readonly direction: 'maf' | 'iaf';
  /** The autoregressive network computing (μ, a). */
  readonly conditioner: Network;
  private readonly scale: ScaleSpec;

  constructor(options: MaskedAutoregressiveOptions) {
    const fn = 'MaskedAutoregressive';
    const known = [
      ...SCALE_OPTIONS,
      ...CONDITIONER_OPTIONS,
      ...CONDITION_OPTIONS,
      'direction',
      'ordering',
      'activation',
    ];
    const { dim, hiddenSizes, rng } = parseLearnedOptions(fn, options, known);
    const conditionSize = parseConditionSize(fn, options);
    const { direction = 'maf', ordering = 'natural', activation = 'relu' } = options;
    assertOneOf(fn, 'direction', direction, ['maf', 'iaf'] as const);
    const named =
      typeof ordering === 'string' && ['natural', 'reverse', 'random'].includes(ordering);
    if (!named && !isPermutation(ordering, dim)) {
      throw invalidArgument(
        fn,
        'ordering',
        ordering,
        `must be 'natural', 'reverse', 'random' or a permutation of 0..${dim - 1}`,
      );
    }
    if (options.conditioner !== undefined && options.ordering !== undefined) {
      throw new InvalidArgumentError(
        `${fn}: give either 'conditioner' or 'ordering', not both (your network fixes the order)`,
      );
    }
    const scale = parseScale(fn, options);
    const conditioner = resolveConditioner(fn, options, () => {
      const made = {
        inputSize: dim,
        hiddenSizes,
        outputsPerInput: 2,
        ordering:
          ordering === 'reverse' ? Array.from({ length: dim }, (_, i) => dim - 1 - i) : ordering,
        activation,
        zeroInitLast: true,
        rng,
      };
      return conditionSize > 0
        ? new ConditionalMadeNetwork({ ...made, conditionSize })
        : new MadeNetwork(made);
    });
    super(fn, options.name ?? 'maskedAutoregressive', dim, conditionSize);
    recordPart(this, fn, options);
    this.conditioner = this.addNetwork(conditioner);
    this.direction = direction;
    this.scale = scale;
  }

  /** @deprecated Use `conditioner` (the same network; a `MadeNetwork` unless you passed one). */
  get made(): Network {
    return this.conditioner;
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    if (this.direction === 'iaf') {
      const { shift, logScale } = this.shiftAndLogScale(x);
      return { y: tf.add(tf.mul(x, tf.exp(logScale)), shift), logDet: tf.sum(logScale, -1) };
    }
    let y: tf.Tensor = tf.zerosLike(x);
    let logScale: tf.Tensor = y;
    for (let pass = 0; pass < this.dim; pass++) {
      const p = this.shiftAndLogScale(y);
      logScale = p.logScale;
      y = tf.add(tf.mul(x, tf.exp(logScale)), p.shift);
    }
    return { y, logDet: tf.sum(logScale, -1) };
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    if (this.direction === 'maf') {
      const { shift, logScale } = this.shiftAndLogScale(y);
      return { x: this.undo(y, shift, logScale), logDet: tf.neg(tf.sum(logScale, -1)) };
    }
    let x: tf.Tensor = tf.zerosLike(y);
    let logScale: tf.Tensor = x;
    for (let pass = 0; pass < this.dim; pass++) {
      const p = this.shiftAndLogScale(x);
      logScale = p.logScale;
      x = this.undo(y, p.shift, logScale);
    }
    return { x, logDet: tf.neg(tf.sum(logScale, -1)) };
  }

  private undo(y: tf.Tensor, shift: tf.Tensor, logScale: tf.Tensor): tf.Tensor {
    return tf.mul(tf.sub(y, shift), tf.exp(tf.neg(logScale)));
  }

  private shiftAndLogScale(v: tf.Tensor): { shift: tf.Tensor; logScale: tf.Tensor } {
    const input = this.withContextColumns(v);
    const out = applyConditioner(this.kind, this.conditioner, input, 2 * this.dim);
    const [shift, raw] = tf.split(out, [this.dim, this.dim], -1) as [tf.Tensor, tf.Tensor];
    return { shift, logScale: logScaleFromRaw(raw, this.scale) };
  }
}

/** Whether `p` is a permutation of 0..n−1. */
export function isPermutation(p: unknown, n: number): boolean {
  return (
    Array.isArray(p) &&
    p.length === n &&
    p.every((i) => Number.isInteger(i) && i >= 0 && i < n) &&
    new Set(p).size === n
  );
}
