import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { initBackend, Rng } from '@gen/core';
import { loadMnist } from '@gen/data/node';
import { fit } from '@gen/train';
import { Vae } from '@gen/vae';
import * as tf from '@tensorflow/tfjs-core';
import { writeImageGrid } from './png-grid.mjs';

// A 784-500-500-50 MLP VAE on statically binarised MNIST: test ELBO and an importance-sampled
// NLL (IWAE bound with --iwae-samples draws; the paper uses 5000) per epoch next to the published
// 86.76 nats (docs/references.md#vae-on-binarised-mnist), with the wall time. The default budget is short; what this
// prints is what the run reached, never an extrapolation. PNGs (samples, reconstructions, a
// latent traversal) go to bench/results/.
//
//   node vae-mnist.mjs [--epochs 2] [--batch-size 100] [--learning-rate 0.001] [--limit 60000]
//                      [--test-limit 1000] [--iwae-samples 500] [--backend wasm]
// Each option also reads VAE_EPOCHS, VAE_BATCH_SIZE, …; the command line wins.

const PUBLISHED = { nll: 86.76, model: 'VAE 784-500-500-50, k = 1 (Burda et al. 2016, IWAE NLL)' };
const DEFAULTS = {
  epochs: 2,
  'batch-size': 100,
  'learning-rate': 1e-3,
  limit: 60000,
  'test-limit': 1000,
  'iwae-samples': 500,
  backend: 'wasm',
};

function settings() {
  const { values } = parseArgs({
    options: Object.fromEntries(Object.keys(DEFAULTS).map((k) => [k, { type: 'string' }])),
  });
  const read = (key) => {
    const raw = values[key] ?? process.env[`VAE_${key.toUpperCase().replaceAll('-', '_')}`];
    if (raw === undefined) return DEFAULTS[key];
    if (key === 'backend') return raw;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${key}: bad value '${raw}'`);
    return value;
  };
  return Object.fromEntries(Object.keys(DEFAULTS).map((k) => [k, read(k)]));
}

/** Mean of a per-example quantity over `images`, in chunks of `size`. */
async function meanOver(images, size, f) {
  const n = images.shape[0];
  let total = 0;
  for (let start = 0; start < n; start += size) {
    const m = Math.min(size, n - start);
    const v = tf.tidy(() => tf.sum(f(tf.slice(images, [start, 0], [m, -1]))));
    total += (await v.data())[0];
    v.dispose();
  }
  return total / n;
}

/** Writes [rows·cols, 784] values in [0, 1] as a grid PNG of 28×28 tiles in results/. */
const writeGrid = (name, images, cols) => writeImageGrid(new URL(name, outDir), images, cols);

const options = settings();
const outDir = new URL('./results/', import.meta.url);
mkdirSync(outDir, { recursive: true });
const backend = await initBackend(options.backend);
const train = await loadMnist({ split: 'train', binarize: 'static', limit: options.limit });
const test = await loadMnist({ split: 'test', binarize: 'static', limit: options['test-limit'] });
const vae = Vae.mlp({
  inputSize: 784,
  hiddenSizes: [500, 500],
  latentSize: 50,
  likelihood: 'bernoulli',
  seed: 0,
});
const k = options['iwae-samples'];
console.log(
  `VAE 784-500-500-50 on ${train.images.shape[0]} binarised MNIST images (${backend}); Adam lr ${options['learning-rate']}, ` +
    `batch ${options['batch-size']}, ${options.epochs} epoch(s); test on ${test.images.shape[0]} images, IWAE NLL with ${k} samples`,
);
const epochs = [];
let epochStart = performance.now();
await fit(vae, train.images, {
  epochs: options.epochs,
  batchSize: options['batch-size'],
  learningRate: options['learning-rate'],
  rng: Rng.fromSeed(1),
  callbacks: [
    {
      async onEpochEnd({ epoch }) {
        const seconds = (performance.now() - epochStart) / 1000;
        const evalStart = performance.now();
        const rng = Rng.fromSeed(2);
        const elbo = await meanOver(test.images, 500, (x) => vae.elbo(x, { rng }));
        const nll = await meanOver(test.images, 20, (x) =>
          vae.nll(x, { samples: k, rng, chunk: 250 }),
        );
        const evalSeconds = (performance.now() - evalStart) / 1000;
        epochs.push({ epoch, seconds, testElbo: elbo, testNll: nll, evalSeconds });
        console.log(
          `epoch ${epoch}: ${seconds.toFixed(1)} s training, test ELBO ${elbo.toFixed(2)}, IWAE NLL ${nll.toFixed(2)} nats (${evalSeconds.toFixed(1)} s eval)`,
        );
        epochStart = performance.now();
      },
    },
  ],
});
const last = epochs.at(-1);
console.log('\n| Model | Epochs | Test −ELBO | Test NLL (IWAE) | Training time |');
console.log('|---|---|---|---|---|');
console.log(
  `| @gen Vae.mlp 784-500-500-50 | ${options.epochs} | ${(-last.testElbo).toFixed(2)} | ${last.testNll.toFixed(2)} (k = ${k}) | ${epochs.reduce((t, e) => t + e.seconds, 0).toFixed(0)} s |`,
);
console.log(`| ${PUBLISHED.model} | 3280 passes | — | ${PUBLISHED.nll} (k = 5000) | — |`);

const samples = vae.sample(64, Rng.fromSeed(3));
await writeGrid('vae-samples.png', samples, 8);
const originals = tf.slice(test.images, [0, 0], [8, -1]);
const recon = vae.reconstruct(originals);
const pair = tf.concat([originals, recon], 0);
await writeGrid('vae-reconstructions.png', pair, 8);
const values = Array.from({ length: 9 }, (_, i) => -3 + (6 * i) / 8);
const rows = [0, 1, 2, 3].map((d) =>
  vae.traverse(tf.slice(test.images, [0, 0], [1, -1]), d, values),
);
const trav = tf.concat(rows, 0);
await writeGrid('vae-traversal.png', trav, 9);
const report = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, loadAverage1m: loadavg()[0] },
  versions: { node: process.versions.node, tfjsCore: tf.version_core },
  backend,
  options,
  epochs,
  published: PUBLISHED,
};
writeFileSync(new URL('vae-mnist.json', outDir), `${JSON.stringify(report, null, 2)}\n`);
console.log('Wrote bench/results/vae-mnist.json and vae-{samples,reconstructions,traversal}.png');
tf.dispose([
  samples,
  originals,
  recon,
  pair,
  trav,
  ...rows,
  train.images,
  train.labels,
  test.images,
  test.labels,
]);
vae.dispose();
