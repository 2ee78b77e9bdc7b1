import { triangularSolve } from '@gen/core';
import { Mixture, MultivariateNormal } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import type { DeviceState } from './device-state.js';
import type { CovarianceType } from './options.js';

/** A Mixture that also owns the parameter tensors it was built from. */
class OwningMixture extends Mixture {
  constructor(params: ConstructorParameters<typeof Mixture>[0], owned: tf.Tensor[]) {
    super(params);
    this.own(owned);
  }

  override get name(): string {
    return 'Mixture';
  }
}

/**
 * The lower Cholesky factor L of every Σₖ = L Lᵀ, [K, D, D]: (F⁻¹)ᵀ for the precision factor
 * F (Σ⁻¹ = F Fᵀ, so Σ = F⁻ᵀ F⁻¹), diag(σ) for diag and spherical covariances.
 */
export function scaleTril(s: DeviceState, type: CovarianceType): tf.Tensor {
  return tf.tidy(() => {
    const [k, d] = s.means.shape as [number, number];
    if (type === 'diag' || type === 'spherical') {
      const sigma = tf.reciprocal(
        type === 'diag' ? s.factor : tf.tile(tf.expandDims(s.factor, 1), [1, d]),
      );
      return tf.mul(tf.eye(d), tf.expandDims(sigma, 1));
    }
    const factors = type === 'tied' ? tf.tile(tf.expandDims(s.factor, 0), [k, 1, 1]) : s.factor;
    const inverse = triangularSolve(factors, tf.tile(tf.expandDims(tf.eye(d), 0), [k, 1, 1]), {
      lower: false,
    });
    return tf.transpose(inverse, [0, 2, 1]);
  });
}

/**
 * The mixture as a @gen/distributions `Mixture` of `MultivariateNormal`s (its own copy of the
 * parameters, computed from `state`; gradients flow back into whatever `state` came from).
 * Built without argument validation, so without synchronous read-backs.
 */
export function toMixture(s: DeviceState, type: CovarianceType): Mixture {
  const logits = tf.clone(s.logWeights);
  const loc = tf.clone(s.means);
  const tril = scaleTril(s, type);
  const components = new MultivariateNormal({ loc, scaleTril: tril, validateArgs: false });
  return new OwningMixture({ logits, components, validateArgs: false }, [logits, loc, tril]);
}
