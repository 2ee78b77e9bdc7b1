import type { GenerativeModel, NamedTensors, Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

// Models for the tests (not exported by the package).

/** Every weight of `model` as plain numbers, by name (the copies are disposed). */
export async function weightsOf(model: {
  getWeights(): tf.NamedTensorMap;
}): Promise<Record<string, number[]>> {
  const weights = model.getWeights();
  const out: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(weights)) out[name] = Array.from(await t.data());
  tf.dispose(weights);
  return out;
}

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

/**
 * A 1-D mixture of two unit-variance Gaussians with learnable means and mixing weight, fitted by
 * EM: `emStep` computes responsibilities under the current parameters (the per-example
 * log-likelihood of those parameters is the lower bound it reports) and applies the closed-form
 * M-step. `initialize` puts the means at the data's minimum and maximum.
 */
export class TwoMeansEm {
  readonly means = tf.variable(tf.tensor1d([0, 0]));
  readonly logit = tf.variable(tf.scalar(0));
  initialized = 0;

  async initialize(x: tf.Tensor): Promise<void> {
    this.initialized += 1;
    const ends = tf.tidy(() => tf.stack([tf.min(x), tf.max(x)]));
    this.means.assign(ends as tf.Tensor1D);
    ends.dispose();
  }

  async emStep(x: tf.Tensor): Promise<{ lowerBound: number }> {
    const bound = tf.tidy(() => {
      const v = tf.reshape(x, [-1, 1]);
      const logPi = tf.stack([
        tf.neg(softplusT(tf.neg(this.logit))),
        tf.neg(softplusT(this.logit)),
      ]);
      const logJoint = tf.add(
        tf.sub(tf.mul(-0.5, tf.square(tf.sub(v, this.means))), 0.5 * Math.log(2 * Math.PI)),
        logPi,
      );
      const logPx = tf.logSumExp(logJoint, 1, true);
      const r = tf.exp(tf.sub(logJoint, logPx));
      const nk = tf.sum(r, 0);
      this.means.assign(tf.div(tf.sum(tf.mul(r, v), 0), nk) as tf.Tensor1D);
      const [n0, n1] = tf.unstack(nk) as [tf.Tensor, tf.Tensor];
      this.logit.assign(tf.sub(tf.log(n0), tf.log(n1)));
      return tf.mean(logPx);
    });
    const lowerBound = (await bound.data())[0]!;
    bound.dispose();
    return { lowerBound };
  }

  getWeights(): NamedTensors {
    return { means: tf.clone(this.means), logit: tf.clone(this.logit) };
  }

  setWeights(weights: NamedTensors): void {
    assign({ means: this.means, logit: this.logit }, weights);
  }

  dispose(): void {
    tf.dispose([this.means, this.logit]);
  }
}

const softplusT = (x: tf.Tensor) => tf.log1p(tf.exp(x));
