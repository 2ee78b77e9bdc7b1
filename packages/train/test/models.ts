import {
  type ConditionalBatch,
  type GenerativeModel,
  invalidArgument,
  type NamedTensors,
  type Rng,
  type SampleOptions,
  splitBatch,
} from '@gen/core';
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

/**
 * A conditional model with one learnable row per class, W `[conditionSize, dim]`: loss = mean
 * over the batch of ‖x − condition·W‖². For one-hot conditions its minimiser is the class means
 * of the data, so it converges to them only if every example keeps its own label. Records the
 * rows of every batch it sees (examples and conditions), when `record` is set.
 */
export class ClassMeansModel implements GenerativeModel<ConditionalBatch> {
  readonly w: tf.Variable;
  readonly batches: { x: number[][]; condition: number[][] }[] = [];
  private readonly record: boolean;

  constructor(conditionSize: number, dim: number, { init = 0, record = false } = {}) {
    this.w = tf.variable(tf.fill([conditionSize, dim], init));
    this.record = record;
  }

  get trainableVariables(): tf.Variable[] {
    return [this.w];
  }

  loss(batch: ConditionalBatch): tf.Scalar {
    const { x, condition } = splitBatch('ClassMeansModel.loss', batch);
    if (condition === undefined) {
      throw invalidArgument('ClassMeansModel.loss', 'batch', batch, 'must be { x, condition }');
    }
    if (this.record) {
      this.batches.push({
        x: x.arraySync() as number[][],
        condition: condition.arraySync() as number[][],
      });
    }
    return tf.tidy(() => tf.mean(tf.sum(tf.square(tf.sub(x, tf.matMul(condition, this.w))), -1)));
  }

  sample(_n: number, _rng: Rng, options?: SampleOptions): tf.Tensor {
    return tf.matMul(options!.condition!, this.w);
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
 * A labelled toy set: `n` points in the plane around one of `classes` centres on a circle of
 * radius 3 (row i in class i mod classes, noise std 0.5), `x` `[n, 2]` and one-hot `condition`
 * `[n, classes]`, plus the class means of `x` computed in float64 (the oracle of
 * {@link ClassMeansModel}).
 */
export function labelledBlobs(
  rng: Rng,
  n: number,
  classes: number,
): { x: tf.Tensor2D; condition: tf.Tensor2D; means: number[][] } {
  const noise = rng.normal([n, 2], 0, 0.5);
  const labels = Array.from({ length: n }, (_, i) => i % classes);
  const rows = (noise.arraySync() as number[][]).map((row, i) => {
    const angle = (2 * Math.PI * labels[i]!) / classes;
    return [Math.fround(row[0]! + 3 * Math.cos(angle)), Math.fround(row[1]! + 3 * Math.sin(angle))];
  });
  noise.dispose();
  const means = Array.from({ length: classes }, (_, k) => {
    const members = rows.filter((_, i) => labels[i] === k);
    return [0, 1].map((j) => members.reduce((sum, r) => sum + r[j]!, 0) / members.length);
  });
  const condition = tf.tidy(() =>
    tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), 'float32'),
  ) as tf.Tensor2D;
  return { x: tf.tensor2d(rows), condition, means };
}
