import { softplus } from '@gen/core';
import type { Initializer } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { recordPart } from '../flow/transform-configs.js';
import { LearnedBijector } from '../learned-bijector.js';
import { type LearnedBijectorOptions, parseLearnedOptions } from '../options.js';
import { solvePlanarPreactivation } from './detached-solve.js';

export type PlanarOptions = LearnedBijectorOptions;

const uniformIn =
  (limit: number): Initializer =>
  (shape, _fan, rng) =>
    rng.uniform(shape, -limit, limit);

/**
 * Planar flow (Rezende & Mohamed 2015): y = x + û·tanh(wᵀx + b), with u, w ∈ R^D and b ∈ R
 * trainable and û = u + (m(wᵀu) − wᵀu)·w/‖w‖², m(a) = −1 + softplus(a), which keeps wᵀû > −1
 * and so the map invertible (App. A.1). log |det J| = log |1 + ûᵀw·(1 − tanh²(wᵀx + b))|.
 *
 * There is no closed-form inverse; `inverse` solves the scalar equation α + (wᵀû)·tanh(α) = wᵀy + b
 * for α = wᵀx + b by bisection (monotone, bracketed) and one Newton step, then x = y − û·tanh(α).
 * The bisection is off the gradient tape and the Newton step carries the implicit-function
 * gradient, so `logProb` of a Flow of planar layers trains by maximum likelihood. Weights start
 * at u, w ∼ U(−1/√D, 1/√D), b = 0. `hiddenSizes` is accepted and ignored (no network).
 *
 * ```ts
 * const layers = Array.from({ length: 8 }, (_, i) => new Planar({ dim: 2, seed: i }));
 * ```
 */
export class Planar extends LearnedBijector {
  readonly isConstantJacobian = false;
  readonly u: tf.Variable;
  readonly w: tf.Variable;
  readonly b: tf.Variable;

  constructor(options: PlanarOptions) {
    const fn = 'Planar';
    const { dim, rng } = parseLearnedOptions(fn, options, []);
    super(fn, options.name ?? 'planar', dim);
    recordPart(this, fn, options);
    const init = uniformIn(1 / Math.sqrt(dim));
    this.u = this.addWeight('u', [dim], init, rng);
    this.w = this.addWeight('w', [dim], init, rng);
    this.b = this.addWeight('b', [1], 'zeros', rng);
  }

  /** û, the constrained u with wᵀû = m(wᵀu) > −1. */
  uHat(): tf.Tensor {
    return tf.tidy(() => {
      const wu = tf.sum(tf.mul(this.w, this.u));
      const norm2 = tf.maximum(tf.sum(tf.square(this.w)), 1e-12);
      const m = tf.sub(softplus(wu), 1);
      return tf.add(this.u, tf.mul(tf.div(tf.sub(m, wu), norm2), this.w));
    });
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    const uHat = this.uHat();
    const h = tf.tanh(this.preactivation(x));
    const y = tf.add(x, tf.mul(tf.expandDims(h, -1), uHat));
    return { y, logDet: this.logDet(uHat, h) };
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    const uHat = this.uHat();
    const c = tf.sum(tf.mul(this.w, uHat));
    const alpha = solvePlanarPreactivation(c, this.preactivation(y));
    const h = tf.tanh(alpha);
    const x = tf.sub(y, tf.mul(tf.expandDims(h, -1), uHat));
    return { x, logDet: tf.neg(this.logDet(uHat, h)) };
  }

  /** wᵀv + b over the last axis. */
  private preactivation(v: tf.Tensor): tf.Tensor {
    return tf.add(tf.sum(tf.mul(v, this.w), -1), tf.reshape(this.b, []));
  }

  /** log |1 + ûᵀw·(1 − h²)|. */
  private logDet(uHat: tf.Tensor, h: tf.Tensor): tf.Tensor {
    const c = tf.sum(tf.mul(this.w, uHat));
    return tf.log(tf.abs(tf.add(1, tf.mul(c, tf.sub(1, tf.square(h))))));
  }
}
