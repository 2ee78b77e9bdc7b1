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
  assertLayerSizes,
  assertSize,
  CONDITION_OPTIONS,
  type ConditionOptions,
  type LearnedBijectorOptions,
  parseConditionSize,
  parseLearnedOptions,
} from '../options.js';
import { parseSplineConstants, SPLINE_OPTIONS } from '../spline/rq-spline.js';
import { rqSplineCore } from '../spline/rq-spline-core.js';
import { type SplineConstants, splineKnots } from '../spline/spline-knots.js';
import { isPermutation } from './masked-autoregressive.js';

export interface MaskedAutoregressiveSplineOptions
  extends LearnedBijectorOptions,
    Partial<SplineConstants>,
    ConditionerOptions,
    ConditionOptions {
  /** K, the number of bins, >= 2 (default 8). */
  bins?: number;
  /** 'maf' (default: one-pass inverse, D-pass forward) or 'iaf' (the other way round). */
  direction?: 'maf' | 'iaf';
  /** Autoregressive order: 'natural' (default), 'reverse', 'random' or a permutation. */
  ordering?: 'natural' | 'reverse' | 'random' | readonly number[];
  /** Activation of the built-in MADE's hidden layers (default 'relu'). */
  activation?: Activation;
}

/**
 * Autoregressive rational-quadratic neural spline flow layer (Durkan et al. 2019, RQ-NSF(AR);
 * nflows' `MaskedPiecewiseRationalQuadraticAutoregressiveTransform`): coordinate i goes through
 * its own monotone K-bin rational-quadratic spline on [−B, B] (identity tails, the spline of
 * `unconstrainedRqSpline`), whose 3K − 1 parameters an MADE computes from the coordinates
 * before i. With noise side x and data side y:
 *
 *   MAF: y_i = RQS(x_i; θ_i(y_{<i})),  IAF: y_i = RQS(x_i; θ_i(x_{<i})),
 *   log |det ∂y/∂x| = Σ_i log RQS′(x_i; θ_i),
 *
 * the one-pass direction being the inverse for MAF (density evaluation) and the forward for IAF
 * (sampling); the other takes D passes. The built-in network is @gen/nn's `MadeNetwork` named
 * 'made' with 3K − 1 outputs per input (unit j·D + i is parameter j of coordinate i: K widths,
 * K heights, K − 1 derivatives) and its last layer at zero, so a new layer is exactly the
 * identity; with `conditionSize` it is a `ConditionalMadeNetwork` reading the context in every
 * layer. Your own `conditioner` must map `[n, D (+ C)]` to `[n, (3K − 1)·D]` in that layout,
 * autoregressively.
 *
 * ```ts
 * const nsf = new MaskedAutoregressiveSpline({ dim: 2, hiddenSizes: [64, 64], bins: 8, tailBound: 4 });
 * const { x, logDet } = nsf.inverseAndLogDet(data); // one pass
 * ```
 */
export class MaskedAutoregressiveSpline extends LearnedBijector {
  readonly isConstantJacobian = false;
  readonly direction: 'maf' | 'iaf';
  readonly bins: number;
  readonly constants: Readonly<SplineConstants>;
  /** The autoregressive network computing the spline parameters. */
  readonly conditioner: Network;

  constructor(options: MaskedAutoregressiveSplineOptions) {
    const fn = 'MaskedAutoregressiveSpline';
    const known = [
      ...SPLINE_OPTIONS,
      ...CONDITIONER_OPTIONS,
      ...CONDITION_OPTIONS,
      'bins',
      'direction',
      'ordering',
      'activation',
    ];
    const { dim, hiddenSizes, rng } = parseLearnedOptions(fn, options, known);
    const conditionSize = parseConditionSize(fn, options);
    const { direction = 'maf', ordering = 'natural', activation = 'relu', bins = 8 } = options;
    assertOneOf(fn, 'direction', direction, ['maf', 'iaf'] as const);
    assertSize(fn, 'bins', bins, 2);
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
    assertLayerSizes(fn, [dim + conditionSize, ...hiddenSizes, dim * (3 * bins - 1)]);
    const constants = parseSplineConstants(fn, options, bins);
    const conditioner = resolveConditioner(fn, options, () => {
      const made = {
        inputSize: dim,
        hiddenSizes,
        outputsPerInput: 3 * bins - 1,
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
    super(fn, options.name ?? 'maskedAutoregressiveSpline', dim, conditionSize);
    recordPart(this, fn, options);
    this.conditioner = this.addNetwork(conditioner);
    this.direction = direction;
    this.bins = bins;
    this.constants = Object.freeze(constants);
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    if (this.direction === 'iaf') {
      const { out, logDet } = this.spline(x, x, false);
      return { y: out, logDet };
    }
    return this.sequential(x, false);
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    if (this.direction === 'maf') {
      const { out, logDet } = this.spline(y, y, true);
      return { x: out, logDet };
    }
    const { y: x, logDet } = this.sequential(y, true);
    return { x, logDet };
  }

  /** D passes, pass t fixing coordinate t of the order from the ones before it. */
  private sequential(v: tf.Tensor, inverse: boolean): { y: tf.Tensor; logDet: tf.Tensor } {
    let out: tf.Tensor = tf.zerosLike(v);
    let logDet: tf.Tensor = tf.zeros(v.shape.slice(0, -1));
    for (let pass = 0; pass < this.dim; pass++) {
      const step = this.spline(v, out, inverse);
      out = step.out;
      logDet = step.logDet;
    }
    return { y: out, logDet };
  }

  /** The spline of `v` with parameters computed from `side`, and its summed log-det. */
  private spline(v: tf.Tensor, side: tf.Tensor, inverse: boolean) {
    const k = this.bins;
    const p = 3 * k - 1;
    const input = this.withContextColumns(side);
    const raw = applyConditioner(this.kind, this.conditioner, input, this.dim * p);
    const lead = v.shape.slice(0, -1);
    // Unit j·D + i is parameter j of coordinate i: [..., P, D] → [..., D, P].
    const params = tf.transpose(tf.reshape(raw, [-1, p, this.dim]), [0, 2, 1]);
    const [widths, heights, derivatives] = tf.split(
      tf.reshape(params, [...lead, this.dim, p]),
      [k, k, k - 1],
      -1,
    ) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const knots = splineKnots(widths, heights, derivatives, this.constants);
    const step = rqSplineCore(v, knots, this.constants.tailBound, inverse);
    return { out: step.out, logDet: tf.sum(step.logDet, -1) };
  }
}
