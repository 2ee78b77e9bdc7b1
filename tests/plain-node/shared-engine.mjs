// Run with plain `node` (no vitest, no bundler) against the built packages: @gen/core and @gen/nn
// must share the user's tfjs engine, and training must find every gradient.
import { initBackend, Rng } from '@gen/core';
import { Mlp } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';

const report = {};
report.backend = await initBackend('auto');
const engine = globalThis._tfengine;
report.sameEngine = engine !== undefined && tf.engine() === engine;
const before = tf.memory().numTensors;
const mlp = new Mlp({ inputSize: 4, hiddenSizes: [8], outputSize: 1, seed: 3 });
report.variablesSeenByUser = tf.memory().numTensors - before;
report.parameterTensors = mlp.trainableVariables.length;
const rng = Rng.fromSeed(1);
const x = rng.normal([32, 4]);
const y = tf.tidy(() => tf.sum(x, 1, true));
const optimizer = tf.train.sgd(0.05);
const losses = [];
for (let i = 0; i < 50; i++) {
  const loss = optimizer.minimize(() => tf.losses.meanSquaredError(y, mlp.apply(x)), true);
  if (i === 0 || i === 49) losses.push((await loss.data())[0]);
  loss.dispose();
}
report.lossFell = losses[1] < losses[0];
mlp.dispose();
optimizer.dispose();
tf.dispose([x, y]);
report.leftover = tf.memory().numTensors - before;
console.log(JSON.stringify(report));
