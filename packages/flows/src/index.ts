/**
 * Normalizing flows: learned bijectors (affine coupling, MAF/IAF, planar, radial, ActNorm,
 * rational-quadratic splines, autoregressive splines, LU linear, BatchNorm), conditional
 * variants with a context, the `Flow` distribution that composes them, and image flows
 * (`Squeeze`, `ConvAffineCoupling`, the multiscale RealNVP/Glow `MultiscaleFlow`).
 *
 * @packageDocumentation
 * @module @gen/flows
 */

// Re-exported so a flow can be assembled from this package alone.
export { Permute } from '@gen/distributions';
export { ActNorm, type ActNormOptions } from './act-norm.js';
export {
  MaskedAutoregressive,
  type MaskedAutoregressiveOptions,
} from './autoregressive/masked-autoregressive.js';
export {
  MaskedAutoregressiveSpline,
  type MaskedAutoregressiveSplineOptions,
} from './autoregressive/masked-autoregressive-spline.js';
export { BatchNorm, type BatchNormOptions } from './batch-norm.js';
export { AffineCoupling, type AffineCouplingOptions } from './coupling/affine-coupling.js';
export type { ConditionerOptions } from './coupling/conditioner.js';
export type { CouplingMaskOptions } from './coupling/coupling-mask.js';
export {
  RationalQuadraticSpline,
  type RationalQuadraticSplineOptions,
} from './coupling/rational-quadratic-spline.js';
export { Flow, type FlowConditionOptions, type FlowParams } from './flow/flow.js';
export { standardNormal } from './flow/standard-normal.js';
export {
  ConvAffineCoupling,
  type ConvAffineCouplingOptions,
} from './image/conv-affine-coupling.js';
export {
  type DequantizeOptions,
  MultiscaleFlow,
  type MultiscaleSampleOptions,
} from './image/multiscale-flow.js';
export type { MultiscaleFlowOptions } from './image/multiscale-options.js';
export { Squeeze, type SqueezeOptions } from './image/squeeze.js';
export { LearnedBijector } from './learned-bijector.js';
export {
  InvertibleConv1x1,
  type InvertibleConv1x1Options,
} from './linear/invertible-conv1x1.js';
export { LuLinear, type LuLinearOptions } from './linear/lu-linear.js';
export type { ConditionOptions, LearnedBijectorOptions } from './options.js';
export { Planar, type PlanarOptions } from './planar/planar.js';
export { Radial, type RadialOptions } from './planar/radial.js';
export { Reverse, type ReverseOptions } from './reverse.js';
export type { ScaleKind, ScaleOptions } from './scale.js';
export {
  type RqSplineOptions,
  type RqSplineParams,
  unconstrainedRqSpline,
} from './spline/rq-spline.js';
export {
  DEFAULT_MIN_BIN_HEIGHT,
  DEFAULT_MIN_BIN_WIDTH,
  DEFAULT_MIN_DERIVATIVE,
  type SplineConstants,
} from './spline/spline-knots.js';
