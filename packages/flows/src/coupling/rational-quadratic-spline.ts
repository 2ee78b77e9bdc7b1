import type { Network } from '@gen/core';
import type { Activation } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
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

export interface RationalQuadraticSplineOptions
  extends LearnedBijectorOptions,
    CouplingMaskOptions,
    Partial<SplineConstants>,
    ConditionerOptions,
    ConditionOptions {
  /** K, the number of bins, >= 2 (default 8). */
  bins?: number;
  /** Activation of the built-in conditioner's hidden layers (default 'relu'). */
  activation?: Activation;
}

/**
 * Rational-quadratic neural spline coupling layer (Durkan, Bekasov, Murray & Papamakarios 2019,
 * "Neural Spline Flows", RQ-NSF(C)). The kept coordinates x_b (mask 1) pass through; each
 * transformed coordinate goes through its own monotone K-bin rational-quadratic spline on
 * [−B, B] whose 3K − 1 parameters the conditioner computes from x_b (`[n, k]` → `[n, m·(3K − 1)]`
 * for k kept and m transformed coordinates, coordinate by coordinate: K widths, K heights, K − 1
 * derivatives; an @gen/nn Mlp by default, or your own `Network` as `conditioner`):
 *
 *   y_b = x_b,  y_i = RQS(x_i; θ_i(x_b)),  log |det J| = Σ_i log RQS′(x_i; θ_i(x_b)),
 *
 * identity tails outside [−B, B] (B = `tailBound`, default 3) with slope 1 at the boundary knots,
 * minimum bin width, height and derivative 1e-3 as in nflows. The inverse is analytic (a root
 * of a quadratic) and as fast as the forward pass. The built-in conditioner's last layer starts
 * at zero, which is exactly the identity. Finite at ±B, beyond it and on every knot. `dim` >= 2.
 * With `conditionSize` C the conditioner reads [x_b, c]: a conditional layer f(x; c).
 *
 * ```ts
 * const layer = new RationalQuadraticSpline({ dim: 2, hiddenSizes: [64, 64], bins: 8, tailBound: 4 });
 * const { x, logDet } = layer.inverseAndLogDet(data); // data: [n, 2]
 * ```
 */
export class RationalQuadraticSpline extends LearnedBijector {
  readonly isConstantJacobian = false;
  /** The network computing the spline parameters from the kept coordinates. */
  readonly conditioner: Network;
  readonly bins: number;
  readonly mask: readonly number[];
  readonly constants: Readonly<SplineConstants>;
  private readonly split: CouplingSplit;

  constructor(options: RationalQuadraticSplineOptions) {
    const fn = 'RationalQuadraticSpline';
    const known = [
      ...MASK_OPTIONS,
      ...SPLINE_OPTIONS,
      ...CONDITIONER_OPTIONS,
      ...CONDITION_OPTIONS,
      'bins',
      'activation',
    ];
    const { dim, hiddenSizes, rng } = parseLearnedOptions(fn, options, known, 2);
    const conditionSize = parseConditionSize(fn, options);
    const split = resolveCouplingMask(fn, dim, options);
    const bins = options.bins ?? 8;
    assertSize(fn, 'bins', bins, 2);
    assertLayerSizes(fn, [
      split.kept.length + conditionSize,
      ...hiddenSizes,
      split.transformed.length * (3 * bins - 1),
    ]);
    const constants = parseSplineConstants(fn, options, bins);
    const conditioner = resolveConditioner(fn, options, () =>
      couplingMlp({
        inputSize: split.kept.length + conditionSize,
        hiddenSizes,
        outputSize: split.transformed.length * (3 * bins - 1),
        activation: options.activation,
        rng,
      }),
    );
    super(fn, options.name ?? 'rationalQuadraticSpline', dim, conditionSize);
    recordPart(this, fn, options);
    this.conditioner = this.addNetwork(conditioner);
    this.bins = bins;
    this.split = split;
    this.mask = split.mask;
    this.constants = Object.freeze(constants);
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    const { kept, out, logDet } = this.transform(x, false);
    return { y: mergeCoupling(kept, out, this.split), logDet };
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    const { kept, out, logDet } = this.transform(y, true);
    return { x: mergeCoupling(kept, out, this.split), logDet };
  }

  private transform(v: tf.Tensor, inverse: boolean) {
    const [kept, transformed] = splitCoupling(v, this.split);
    const k = this.bins;
    const m = this.split.transformed.length;
    const input = this.withContextColumns(kept);
    const out = applyConditioner(this.kind, this.conditioner, input, m * (3 * k - 1));
    const raw = tf.reshape(out, [...kept.shape.slice(0, -1), m, 3 * k - 1]);
    const [widths, heights, derivatives] = tf.split(raw, [k, k, k - 1], -1) as [
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
    ];
    const knots = splineKnots(widths, heights, derivatives, this.constants);
    const step = rqSplineCore(transformed, knots, this.constants.tailBound, inverse);
    return { kept, out: step.out, logDet: tf.sum(step.logDet, -1) };
  }
}
