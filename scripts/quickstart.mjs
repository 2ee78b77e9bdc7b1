#!/usr/bin/env node
// The main job until the `gen` CLI exists: fit a tiny MLP to a noisy sine on the wasm backend and
// print its loss falling. Uses the built @gen packages, exactly as a user's program would.
import { initBackend, Rng } from '@gen/core';
import { Mlp } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';

const backend = await initBackend('wasm');
const rng = Rng.fromSeed(2026);
const x = rng.uniform([512, 1], -Math.PI, Math.PI);
const y = tf.tidy(() => tf.add(tf.sin(x), rng.normal([512, 1], 0, 0.05)));
const model = new Mlp({
  inputSize: 1,
  hiddenSizes: [32, 32],
  outputSize: 1,
  activation: 'tanh',
  seed: 1,
});
const optimizer = tf.train.adam(0.01);

console.log(`@gen quick start: a 1-32-32-1 MLP fits sin(x) on the ${backend} backend`);
const start = performance.now();
let first = Number.NaN;
let last = Number.NaN;
let tensorsAfterFirstStep = 0;
for (let step = 0; step <= 600; step++) {
  const loss = optimizer.minimize(() => tf.losses.meanSquaredError(y, model.apply(x)), true);
  if (step % 100 === 0) {
    last = (await loss.data())[0];
    if (step === 0) first = last;
    console.log(`step ${String(step).padStart(4)}  mse ${last.toFixed(5)}`);
  }
  loss.dispose();
  // Adam creates its slot variables on the first step; after that the count must stay flat.
  if (step === 0) tensorsAfterFirstStep = tf.memory().numTensors;
}
const growth = tf.memory().numTensors - tensorsAfterFirstStep;
const seconds = (performance.now() - start) / 1000;
console.log(
  `loss ${first.toFixed(4)} → ${last.toFixed(4)} in ${seconds.toFixed(1)} s; tensor growth over 600 steps: ${growth}`,
);
model.dispose();
optimizer.dispose();
tf.dispose([x, y]);
if (!(last < first / 10) || growth !== 0) {
  console.error(
    'quick start: the loss did not fall tenfold or tensors leaked; this install is broken',
  );
  process.exit(1);
}
