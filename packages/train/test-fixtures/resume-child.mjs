// Resumes a run in a fresh Node process, with no vitest and no TypeScript: the packages come
// from their builds (@gen/core from packages/core/dist, @gen/train from the bundle directory
// given as the first argument). Prints the final weights and the result as one JSON line.
//
//   node resume-child.mjs <train bundle dir> <backend> <checkpoint dir> <steps>
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { initBackend, Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

const [bundle, backend, dir, steps] = process.argv.slice(2);
const { fit, cosineDecay } = await import(pathToFileURL(join(bundle, 'index.js')).href);

/** The GaussianModel of test/models.ts, in plain JavaScript. */
class GaussianModel {
  constructor(dim) {
    this.mean = tf.variable(tf.zeros([dim]));
    this.logScale = tf.variable(tf.zeros([dim]));
  }
  get trainableVariables() {
    return [this.mean, this.logScale];
  }
  loss(batch) {
    return tf.tidy(() => {
      const z = tf.div(tf.sub(batch, this.mean), tf.exp(this.logScale));
      const nll = tf.add(
        tf.add(tf.mul(0.5, tf.square(z)), this.logScale),
        0.5 * Math.log(2 * Math.PI),
      );
      return tf.mean(tf.sum(nll, -1));
    });
  }
  getWeights() {
    return { mean: tf.clone(this.mean), logScale: tf.clone(this.logScale) };
  }
  setWeights(weights) {
    this.mean.assign(weights.mean);
    this.logScale.assign(weights.logScale);
  }
  dispose() {
    tf.dispose([this.mean, this.logScale]);
  }
}

await initBackend(backend);
const data = Rng.fromSeed(4).normal([50, 2], 1, 2);
const model = new GaussianModel(2);
const result = await fit(model, data, {
  steps: Number(steps),
  batchSize: 8,
  rng: Rng.fromSeed(7),
  logEvery: 5,
  learningRate: cosineDecay({ initial: 0.05, steps: Number(steps) }),
  checkpoint: { dir, every: 10 },
  resume: dir,
});
const weights = {
  mean: Array.from(await model.mean.data()),
  logScale: Array.from(await model.logScale.data()),
};
console.log(JSON.stringify({ weights, result }));
