import type { GenerativeModel, NamedTensors, Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

// Models for the tests (not exported by the package).

/** Assigns each variable from the tensor of the same name. */
export function assign(variables: Record<string, tf.Variable>, weights: NamedTensors): void {
  for (const [name, v] of Object.entries(variables)) {
    const w = weights[name];
    if (w === undefined) throw new Error(`missing weight ${name}`);
    v.assign(w);
  }
}

/**
 * A diagonal Gaussian with learnable mean μ and log-scale s; loss = mean over the batch of the
 * negative log-likelihood. Its minimiser over a dataset is the sample mean and the population
 * standard deviation: the oracle of the fit tests.
 */
export class GaussianModel implements GenerativeModel {
  readonly mean: tf.Variable;
  readonly logScale: tf.Variable;

  constructor(dim: number, init = { mean: 0, logScale: 0 }) {
    this.mean = tf.variable(tf.fill([dim], init.mean));
    this.logScale = tf.variable(tf.fill([dim], init.logScale));
  }

  get trainableVariables(): tf.Variable[] {
    return [this.mean, this.logScale];
  }

  loss(batch: tf.Tensor): tf.Scalar {
    return tf.tidy(() => {
      const z = tf.div(tf.sub(batch, this.mean), tf.exp(this.logScale));
      const nll = tf.add(
        tf.add(tf.mul(0.5, tf.square(z)), this.logScale),
        0.5 * Math.log(2 * Math.PI),
      );
      return tf.mean(tf.sum(nll, -1));
    });
  }

  sample(n: number, rng: Rng): tf.Tensor {
    return tf.tidy(() =>
      tf.add(tf.mul(rng.normal([n, this.mean.shape[0]!]), tf.exp(this.logScale)), this.mean),
    );
  }

  getWeights(): NamedTensors {
    return { mean: tf.clone(this.mean), logScale: tf.clone(this.logScale) };
  }

  setWeights(weights: NamedTensors): void {
    assign({ mean: this.mean, logScale: this.logScale }, weights);
  }

  dispose(): void {
    tf.dispose([this.mean, this.logScale]);
  }
}

/**
 * One variable `w` and a loss given as a function of (w, batch, call number); records the rows
 * of every batch it sees. For oracles with hand-computable updates and for injecting NaNs.
 */
export class FnModel implements GenerativeModel {
  readonly w: tf.Variable;
  readonly batches: number[][] = [];
  calls = 0;
  private readonly fn: (w: tf.Tensor, batch: tf.Tensor, call: number) => tf.Tensor;

  constructor(init: number[], fn: (w: tf.Tensor, batch: tf.Tensor, call: number) => tf.Tensor) {
    this.w = tf.variable(tf.tensor1d(init));
    this.fn = fn;
  }

  get trainableVariables(): tf.Variable[] {
    return [this.w];
  }

  loss(batch: tf.Tensor): tf.Scalar {
    this.calls += 1;
    this.batches.push(Array.from(batch.dataSync()));
    return tf.tidy(() => this.fn(this.w, batch, this.calls) as tf.Scalar);
  }

  sample(n: number): tf.Tensor {
    return tf.tidy(() => tf.tile(tf.expandDims(this.w, 0), [n, 1]));
  }

  getWeights(): NamedTensors {
    return { w: tf.clone(this.w) };
  }

  setWeights(weights: NamedTensors): void {
    assign({ w: this.w }, weights);
  }

  dispose(): void {
    this.w.dispose();
  }
}
