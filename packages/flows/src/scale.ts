import { assertOneOf, invalidArgument, softplus } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { assertNumberAbove } from './options.js';

/**
 * How an affine flow layer turns a raw conditioner output a into its log-scale log s:
 * - 'tanh': log s = c·tanh(a / c), bounded in (−c, c) with c = `logScaleBound` (default 2);
 * - 'softplus': s = m + softplus(a + softplus⁻¹(1 − m)) with m = `minScale` (default 1e-3),
 *   so s > m and never explodes exponentially.
 * Both give s = 1 at a = 0, so a conditioner whose last layer starts at zero starts the layer at
 * the identity, and both have slope 1 in a there.
 */
export type ScaleKind = 'tanh' | 'softplus';

/** Options of the affine layers that pick the scale parametrisation. */
export interface ScaleOptions {
  /** Default 'tanh'. */
  scale?: ScaleKind;
  /** c of the 'tanh' parametrisation (default 2: each layer scales by at most e²). */
  logScaleBound?: number;
  /** m of the 'softplus' parametrisation (default 1e-3). */
  minScale?: number;
}

export const SCALE_OPTIONS = ['scale', 'logScaleBound', 'minScale'] as const;

/** A validated scale parametrisation. */
export interface ScaleSpec {
  kind: ScaleKind;
  bound: number;
  minScale: number;
}

/** Validates the scale options of `fn`. */
export function parseScale(fn: string, options: ScaleOptions): ScaleSpec {
  const { scale = 'tanh', logScaleBound = 2, minScale = 1e-3 } = options;
  assertOneOf(fn, 'scale', scale, ['tanh', 'softplus'] as const);
  assertNumberAbove(fn, 'logScaleBound', logScaleBound, 0);
  if (typeof minScale !== 'number' || !(minScale > 0 && minScale < 1)) {
    throw invalidArgument(fn, 'minScale', minScale, 'must be a number in (0, 1)');
  }
  return { kind: scale, bound: logScaleBound, minScale };
}

/** log s from the raw conditioner output (elementwise). */
export function logScaleFromRaw(raw: tf.Tensor, spec: ScaleSpec): tf.Tensor {
  return tf.tidy(() => {
    if (spec.kind === 'tanh') return tf.mul(spec.bound, tf.tanh(tf.div(raw, spec.bound)));
    const offset = Math.log(Math.expm1(1 - spec.minScale));
    return tf.log(tf.add(spec.minScale, softplus(tf.add(raw, offset))));
  });
}
