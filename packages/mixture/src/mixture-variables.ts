import { formatValue, type NamedTensors, ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { type DeviceState, factorShape } from './device-state.js';
import type { HostParams } from './host-params.js';
import type { CovarianceType } from './options.js';
import {
  covarianceVariableName,
  hostFromRaw,
  rawCovariance,
  stateFromRaw,
} from './unconstrained.js';

/** Throws unless `weights` holds exactly the expected names, each a tensor of its shape. */
export function checkWeights(
  fn: string,
  weights: NamedTensors,
  expected: Record<string, number[]>,
) {
  for (const name of Object.keys(weights ?? {})) {
    if (!(name in expected)) {
      throw new ShapeMismatchError(
        `${fn}: argument 'weights' has an unknown entry '${name}' (expected ${Object.keys(expected).join(', ')})`,
      );
    }
  }
  for (const [name, shape] of Object.entries(expected)) {
    const w = weights?.[name];
    if (!(w instanceof tf.Tensor) || w.isDisposed || !tf.util.arraysEqual(w.shape, shape)) {
      throw new ShapeMismatchError(
        `${fn}: argument 'weights' must hold '${name}' of shape [${shape.join(', ')}], got ${formatValue(w)}`,
      );
    }
  }
}

/**
 * The trainable variables of a GaussianMixture (see unconstrained.ts for the parameterisation),
 * shared by EM, which assigns them, and gradient training, which differentiates through them.
 */
export class MixtureVariables {
  readonly logits: tf.Variable;
  readonly means: tf.Variable;
  readonly covariance: tf.Variable;
  readonly k: number;
  readonly d: number;

  // Unnamed variables: tfjs registers names globally, and two mixtures must coexist.
  private constructor(
    readonly type: CovarianceType,
    logits: tf.Tensor,
    means: tf.Tensor,
    covariance: tf.Tensor,
  ) {
    [this.k, this.d] = means.shape as [number, number];
    this.logits = tf.variable(logits);
    this.means = tf.variable(means);
    this.covariance = tf.variable(covariance);
  }

  /** Variables holding host parameters. */
  static fromHost(type: CovarianceType, p: HostParams): MixtureVariables {
    return MixtureVariables.adopt(type, [
      tf.tensor1d(Float32Array.from(p.weights, Math.log)),
      tf.tensor2d(Float32Array.from(p.means), [p.k, p.d]),
      tf.tensor(rawCovariance(p), factorShape(type, p.k, p.d)),
    ]);
  }

  /** Variables initialised from (and sharing the data of) three tensors, which it disposes. */
  private static adopt(type: CovarianceType, tensors: [tf.Tensor, tf.Tensor, tf.Tensor]) {
    try {
      return new MixtureVariables(type, ...tensors);
    } finally {
      tf.dispose(tensors);
    }
  }

  /** Variables from saved weights (`getWeights` of a mixture of the same type and K). */
  static fromWeights(
    fn: string,
    type: CovarianceType,
    k: number,
    weights: NamedTensors,
  ): MixtureVariables {
    const means = weights.means;
    const d = means instanceof tf.Tensor && means.rank === 2 ? means.shape[1]! : 1;
    const name = covarianceVariableName(type);
    const expected: Record<string, number[]> = {
      logits: [k],
      means: [k, d],
      [name]: factorShape(type, k, d),
    };
    checkWeights(fn, weights, expected);
    return MixtureVariables.adopt(type, [
      tf.cast(weights.logits!, 'float32'),
      tf.cast(means!, 'float32'),
      tf.cast(weights[name]!, 'float32'),
    ]);
  }

  get list(): tf.Variable[] {
    return [this.logits, this.means, this.covariance];
  }

  /** The variables by their stable names (the keys of `getWeights`). */
  get named(): Record<string, tf.Variable> {
    return {
      logits: this.logits,
      means: this.means,
      [covarianceVariableName(this.type)]: this.covariance,
    };
  }

  /** Writes host parameters into the variables (what EM does after fitting). */
  assign(p: HostParams): void {
    tf.tidy(() => {
      this.logits.assign(tf.tensor1d(Float32Array.from(p.weights, Math.log)));
      this.means.assign(tf.tensor2d(Float32Array.from(p.means), [p.k, p.d]));
      this.covariance.assign(tf.tensor(rawCovariance(p), this.covariance.shape));
    });
  }

  /** The E-step's parameters as differentiable functions of the variables (call inside tidy). */
  state(): DeviceState {
    return stateFromRaw(this.type, this.logits, this.means, this.covariance);
  }

  /** Reads the variables back as float64 host parameters (to continue EM from them). */
  async toHost(): Promise<HostParams> {
    const [logits, means, raw] = await Promise.all(this.list.map((v) => v.data()));
    return hostFromRaw(this.type, logits!, means!, raw!);
  }

  getWeights(): NamedTensors {
    return Object.fromEntries(Object.entries(this.named).map(([name, v]) => [name, tf.clone(v)]));
  }

  setWeights(fn: string, weights: NamedTensors): void {
    const named = Object.entries(this.named);
    checkWeights(fn, weights, Object.fromEntries(named.map(([n, v]) => [n, v.shape])));
    tf.tidy(() => {
      for (const [name, v] of named) v.assign(tf.cast(weights[name]!, 'float32'));
    });
  }

  dispose(): void {
    tf.dispose(this.list);
  }
}
