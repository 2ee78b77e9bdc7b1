import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Made } from '@gen/autoregressive';
import { initBackend, Rng } from '@gen/core';
import { loadMnist } from '@gen/data/node';
import { fit } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';

// MADE on statically binarised MNIST: test NLL next to the published 88.04 nats (MADE, one
// hidden layer, 32 masks; docs/references.md#made-and-nade-on-binarised-mnist), with the wall
// time it took here. The budget
// is an option: the default few epochs take minutes on wasm, the published number hundreds of
// epochs. What this prints is what the run reached, never an extrapolation.
//
//   node made-mnist.mjs [--epochs 5] [--hidden 500] [--masks 1] [--batch-size 100]
//                       [--learning-rate 0.003] [--limit 60000] [--backend wasm]
// Each option also reads MADE_EPOCHS, MADE_HIDDEN, MADE_MASKS, MADE_BATCH_SIZE,
// MADE_LEARNING_RATE, MADE_LIMIT, MADE_BACKEND; the command line wins.

const PUBLISHED = {
  nll: 88.04,
  model: 'MADE, 1 hidden layer, 32 masks (Germain et al. 2015, published)',
};
const DEFAULTS = {
  epochs: 5,
  hidden: 500,
  masks: 1,
  'batch-size': 100,
  'learning-rate': 3e-3,
  limit: 60000,
  backend: 'wasm',
};

function settings() {
  const { values } = parseArgs({
    options: Object.fromEntries(Object.keys(DEFAULTS).map((k) => [k, { type: 'string' }])),
  });
  const read = (key) => {
    const env = process.env[`MADE_${key.toUpperCase().replace('-', '_')}`];
    const raw = values[key] ?? env;
    if (raw === undefined) return DEFAULTS[key];
    if (key === 'backend') return raw;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${key}: bad value '${raw}'`);
    return value;
  };
  return Object.fromEntries(Object.keys(DEFAULTS).map((k) => [k, read(k)]));
}

/** Mean negative log-likelihood in nats per image, in chunks. */
async function meanNll(made, images) {
  const n = images.shape[0];
  let total = 0;
  for (let start = 0; start < n; start += 1000) {
    const size = Math.min(1000, n - start);
    const lp = tf.tidy(() => tf.sum(made.logProb(tf.slice(images, [start, 0], [size, -1]))));
    total -= (await lp.data())[0];
    lp.dispose();
  }
  return total / n;
}

const options = settings();
const backend = await initBackend(options.backend);
const started = performance.now();
const train = await loadMnist({ split: 'train', binarize: 'static', limit: options.limit });
const test = await loadMnist({ split: 'test', binarize: 'static' });
const loadSeconds = (performance.now() - started) / 1000;
const made = new Made({
  inputSize: 784,
  hiddenSizes: [options.hidden],
  likelihood: 'bernoulli',
  numMasks: options.masks,
  ordering: options.masks > 1 ? 'random' : 'natural',
  seed: 0,
});
console.log(
  `MADE 784-${options.hidden}-784, ${options.masks} mask(s), on ${train.images.shape[0]} statically binarised MNIST training images (${backend}); ` +
    `Adam lr ${options['learning-rate']}, batch ${options['batch-size']}, ${options.epochs} epoch(s)`,
);
if (loadavg()[0] > 0.5) {
  console.log(`Note: 1-min load average ${loadavg()[0].toFixed(2)} on ${cpus().length} cores.`);
}

// Training time excludes the test evaluation after every epoch.
const epochs = [];
let epochStart = performance.now();
await fit(made, train.images, {
  epochs: options.epochs,
  batchSize: options['batch-size'],
  learningRate: options['learning-rate'],
  rng: Rng.fromSeed(1),
  logEvery: 50,
  callbacks: [
    {
      async onEpochEnd({ epoch, history }) {
        const seconds = (performance.now() - epochStart) / 1000;
        const testNll = await meanNll(made, test.images);
        const trainLoss = history.at(-1)?.loss ?? Number.NaN;
        epochs.push({ epoch, seconds, trainLoss, testNll });
        console.log(
          `epoch ${epoch}: ${seconds.toFixed(1)} s, last training loss ${trainLoss.toFixed(2)}, test NLL ${testNll.toFixed(2)} nats`,
        );
        epochStart = performance.now();
      },
    },
  ],
});
const trainSeconds = epochs.reduce((total, e) => total + e.seconds, 0);
const evalStart = performance.now();
const testNll = await meanNll(made, test.images);
const evalSeconds = (performance.now() - evalStart) / 1000;

console.log('\n| Model | Epochs | Test NLL (nats) | Wall time |');
console.log('|---|---|---|---|');
console.log(
  `| @gen MADE 784-${options.hidden}-784, ${options.masks} mask(s) | ${options.epochs} | ${testNll.toFixed(2)} | ${trainSeconds.toFixed(0)} s training, ${evalSeconds.toFixed(1)} s test evaluation |`,
);
console.log(`| ${PUBLISHED.model} | hundreds | ${PUBLISHED.nll} | — |`);
console.log(`(data loading and binarisation: ${loadSeconds.toFixed(1)} s)`);

const outDir = new URL('./results/', import.meta.url);
mkdirSync(outDir, { recursive: true });
const report = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, loadAverage1m: loadavg()[0] },
  versions: { node: process.versions.node, tfjsCore: tf.version_core },
  backend,
  options,
  epochs,
  testNll,
  trainSeconds,
  evalSeconds,
  published: PUBLISHED,
};
writeFileSync(new URL('made-mnist.json', outDir), `${JSON.stringify(report, null, 2)}\n`);
console.log('Wrote bench/results/made-mnist.json');
tf.dispose([train.images, train.labels, test.images, test.labels]);
made.dispose();
