// Child of wasm-threads.test.ts: starts wasm with the given thread count through a bundle of
// @gen/core's current sources, computes a matmul, a convolution and a few Adam steps of an MLP
// from seeded inputs, and prints them with backendInfo() and the tensor counts as JSON. It never
// calls process.exit: the test checks that the process ends by itself.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';

const [bundle, threadsArgument] = process.argv.slice(2);
const { initBackend, backendInfo } = await import(pathToFileURL(join(bundle, 'index.js')).href);
const threads = threadsArgument === 'auto' ? 'auto' : Number(threadsArgument);
await initBackend('wasm', { threads });

const before = tf.memory().numTensors;
const a = tf.randomUniform([256, 384], -1, 1, 'float32', 1);
const b = tf.randomUniform([384, 320], -1, 1, 'float32', 2);
const matMul = tf.tidy(() => tf.matMul(a, b));
const image = tf.randomUniform([4, 28, 28, 3], 0, 1, 'float32', 3);
const filter = tf.randomUniform([5, 5, 3, 16], -0.5, 0.5, 'float32', 4);
const conv = tf.tidy(() => tf.conv2d(image, filter, 1, 'same'));

const sizes = [64, 128, 128, 64];
// Inside tidy the initial values are disposed; the variables (never tracked by tidy) stay.
const weights = sizes
  .slice(1)
  .map((fanOut, i) =>
    tf.tidy(() => tf.variable(tf.randomUniform([sizes[i], fanOut], -0.2, 0.2, 'float32', 10 + i))),
  );
const biases = sizes.slice(1).map((fanOut) => tf.tidy(() => tf.variable(tf.zeros([fanOut]))));
const x = tf.randomUniform([96, sizes[0]], 0, 1, 'float32', 20);
const optimizer = tf.train.adam(1e-2);
const apply = () =>
  weights.reduce((h, w, i) => {
    const z = tf.add(tf.matMul(h, w), biases[i]);
    return i === weights.length - 1 ? tf.sigmoid(z) : tf.relu(z);
  }, x);
const losses = [];
for (let step = 0; step < 5; step++) {
  const loss = tf.tidy(() =>
    optimizer.minimize(() => tf.mean(tf.squaredDifference(apply(), x)), true),
  );
  losses.push((await loss.data())[0]);
  loss.dispose();
}
const result = {
  info: backendInfo(),
  matMul: Array.from(await matMul.data()),
  conv: Array.from(await conv.data()),
  losses,
  weights: await Promise.all(weights.map(async (w) => Array.from(await w.data()))),
};
tf.dispose([a, b, matMul, image, filter, conv, x, ...weights, ...biases]);
optimizer.dispose();
result.leaked = tf.memory().numTensors - before;
process.stdout.write(JSON.stringify(result));
