import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Made, PixelCnn } from '@gen/autoregressive';
import { initBackend } from '@gen/core';
import { saveModel } from '@gen/nn/node';
import { readCheckpoint } from '@gen/train';
import { Vae } from '@gen/vae';
import * as tf from '@tensorflow/tfjs-core';

// Turns a run trained by mnist-likelihood.mjs (its checkpoints/) into a released run in the CLI's
// format: config.json (the CLI's run config, the recipe's settings) and model.safetensors (the
// weights with that config as `gen.run` metadata), without the optimiser state of the
// checkpoints. `gen eval <to>` and `gen sample <to>` read it.
//
//   node bench/release-run.mjs --from bench/results/runs/vae-mnist --to pretrained/vae-mnist
//        --config bench/recipes/vae-mnist.json   (the recipe, a `gen train --config` file)

const { values } = parseArgs({
  options: { from: { type: 'string' }, to: { type: 'string' }, config: { type: 'string' } },
});
for (const key of ['from', 'to', 'config']) {
  if (values[key] === undefined) throw new Error(`--${key} is required`);
}
// The recipe is a `gen train --config` file; config.json holds every key of the CLI's run config.
const recipe = JSON.parse(readFileSync(values.config, 'utf8'));
const config = { version: 1, limit: null, loss: null, ...recipe };
const to = resolve(values.to);
if (existsSync(join(to, 'model.safetensors'))) {
  throw new Error(`--to: ${to} already holds a model.safetensors; remove it first`);
}

await initBackend('wasm');
const { options, seed } = config;
const models = {
  vae: () =>
    Vae.mlp({
      inputSize: 784,
      hiddenSizes: options.hiddenSizes,
      latentSize: options.latentSize,
      likelihood: 'bernoulli',
      seed,
    }),
  // The options in the order and form `gen train made` passes them (its file check compares them).
  made: () =>
    new Made({
      inputSize: 784,
      hiddenSizes: options.hiddenSizes,
      likelihood: 'bernoulli',
      ...(options.directConnections === true ? { directConnections: true } : {}),
      seed,
    }),
  pixelcnn: () =>
    new PixelCnn({
      channels: options.channels,
      layers: options.layers,
      kernelSize: options.kernelSize,
      seed,
    }),
};
const build = models[config.model];
if (build === undefined) throw new Error(`config.model: ${config.model} is not released here`);
const model = build();
const { weights, step } = await readCheckpoint(join(resolve(values.from), 'checkpoints'));
model.setWeights(weights);
tf.dispose(weights);
const released = { ...config, steps: step };
mkdirSync(to, { recursive: true });
await saveModel(model, join(to, 'model.safetensors'), { 'gen.run': JSON.stringify(released) });
writeFileSync(join(to, 'config.json'), `${JSON.stringify(released, null, 2)}\n`);
model.dispose();
console.log(`released step ${step} of ${values.from} to ${to}`);
