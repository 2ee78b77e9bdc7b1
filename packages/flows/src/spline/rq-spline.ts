import { assertFiniteTensor, assertTensor, invalidArgument, ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { assertNumberAbove, assertOptions } from '../options.js';
import { rqSplineCore } from './rq-spline-core.js';
import {
  DEFAULT_MIN_BIN_HEIGHT,
  DEFAULT_MIN_BIN_WIDTH,
  DEFAULT_MIN_DERIVATIVE,
  type SplineConstants,
  splineKnots,
} from './spline-knots.js';

/** Unconstrained spline parameters for inputs `x: [...]` and K bins. */
export interface RqSplineParams {
  /** `[..., K]`: bin widths before the softmax. */
  widths: tf.Tensor;
  /** `[..., K]`: bin heights before the softmax. */
  heights: tf.Tensor;
  /** `[..., K − 1]`: derivatives at the interior knots before the softplus. */
  derivatives: tf.Tensor;
}

export interface RqSplineOptions extends Partial<SplineConstants> {
  /** Evaluate the inverse map (default false). */
  inverse?: boolean;
}

/** Names of the spline constants, as options. */
export const SPLINE_OPTIONS = [
  'tailBound',
  'minBinWidth',
  'minBinHeight',
  'minDerivative',
] as const;

/** Validated spline constants (defaults: B = 3 and nflows' 1e-3 minimums). */
export function parseSplineConstants(fn: string, o: Partial<SplineConstants>, bins: number) {
  const {
    tailBound = 3,
    minBinWidth = DEFAULT_MIN_BIN_WIDTH,
    minBinHeight = DEFAULT_MIN_BIN_HEIGHT,
    minDerivative = DEFAULT_MIN_DERIVATIVE,
  } = o;
  assertNumberAbove(fn, 'tailBound', tailBound, 0);
  for (const [arg, value] of [
    ['minBinWidth', minBinWidth],
    ['minBinHeight', minBinHeight],
  ] as const) {
    assertNumberAbove(fn, arg, value, 0);
    if (value * bins >= 1) throw invalidArgument(fn, arg, value, `must be < 1 / bins (${bins})`);
  }
  assertNumberAbove(fn, 'minDerivative', minDerivative, 0);
  if (minDerivative >= 1) throw invalidArgument(fn, 'minDerivative', minDerivative, 'must be < 1');
  return { tailBound, minBinWidth, minBinHeight, minDerivative };
}

function assertParamShape(fn: string, arg: string, t: unknown, want: number[]): void {
  assertTensor(fn, arg, t);
  if (!tf.util.arraysEqual(t.shape, want)) {
    throw new ShapeMismatchError(
      `${fn}: argument '${arg}' must have shape [${want.join(', ')}], got [${t.shape.join(', ')}]`,
    );
  }
}

/**
 * Monotone rational-quadratic spline with linear (identity) tails, elementwise — nflows'
 * `unconstrained_rational_quadratic_spline(tails='linear')` (Durkan et al. 2019, "Neural Spline
 * Flows"). On [−B, B] it is a K-bin rational-quadratic spline through knots built from the
 * unconstrained parameters (softmax widths and heights, softplus derivatives, boundary slopes 1);
 * outside it is the identity. Finite, values and gradients, at ±B, beyond ±B and on every knot.
 * Returns the output and the elementwise log |dy/dx| (of the inverse when `inverse`), both
 * shaped like `x`. All-zero parameters give the identity.
 *
 * ```ts
 * const zeros = tf.zeros([5, 8]);
 * const { y, logDet } = unconstrainedRqSpline(x, {                // x: [5]
 *   widths: zeros, heights: zeros, derivatives: tf.zeros([5, 7]) },
 *   { tailBound: 3 });                                            // y = x, logDet = 0
 * ```
 */
export function unconstrainedRqSpline(
  x: tf.Tensor,
  params: RqSplineParams,
  options: RqSplineOptions = {},
): { y: tf.Tensor; logDet: tf.Tensor } {
  const fn = 'unconstrainedRqSpline';
  assertTensor(fn, 'x', x);
  const widths = (params as Partial<RqSplineParams> | null)?.widths;
  assertTensor(fn, 'params.widths', widths);
  const bins = widths.shape[widths.rank - 1] ?? 0;
  assertParamShape(fn, 'params.widths', widths, [...x.shape, bins]);
  if (bins < 1) throw invalidArgument(fn, 'params.widths', widths, 'must have K >= 1 bins');
  assertParamShape(fn, 'params.heights', params.heights, [...x.shape, bins]);
  assertParamShape(fn, 'params.derivatives', params.derivatives, [...x.shape, bins - 1]);
  assertOptions(fn, options, [...SPLINE_OPTIONS, 'inverse']);
  for (const [arg, t] of [
    ['x', x],
    ['params.widths', widths],
    ['params.heights', params.heights],
    ['params.derivatives', params.derivatives],
  ] as const) {
    if (t.dtype !== 'float32') throw invalidArgument(fn, arg, t, 'must have dtype float32');
    assertFiniteTensor(fn, arg, t);
  }
  const { inverse = false, ...rest } = options;
  if (typeof inverse !== 'boolean')
    throw invalidArgument(fn, 'inverse', inverse, 'must be a boolean');
  const constants = parseSplineConstants(fn, rest, bins);
  return tf.tidy(() => {
    const knots = splineKnots(widths, params.heights, params.derivatives, constants);
    const { out, logDet } = rqSplineCore(x, knots, constants.tailBound, inverse);
    return { y: out, logDet };
  });
}
