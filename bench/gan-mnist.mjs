// Trains @gen/gan's DCGAN pair (Gan.dcgan: Dense → 2 transposed convs / 2 convs → Dense) on
// grey-level MNIST for a few hundred generator steps on wasm, prints the time per step and the
// losses, and writes an 8×8 grid of samples to bench/results/gan-mnist-samples.png (plus a grid
// of real digits, gan-mnist-real.png, for comparison). A smoke run of the convolutional GAN, not
// a quality benchmark: judge the samples by eye.
//
//   node gan-mnist.mjs [--steps 300] [--batch 64] [--lr 2e-4] [--limit 10000]
//                      [--loss non-saturating] [--backend wasm]
//
// Build first: pnpm turbo run build --filter=@gen/bench...
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend, Rng } from '@gen/core';
import { loadMnist } from '@gen/data/node';
import { Gan } from '@gen/gan';
import { fitAdversarial } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { writeImageGrid } from './png-grid.mjs';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '300' },
    batch: { type: 'string', default: '64' },
    lr: { type: 'string', default: '2e-4' },
    limit: { type: 'string', default: '10000' },
    loss: { type: 'string', default: 'non-saturating' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const STEPS = Number(args.steps);
const BATCH = Number(args.batch);
const LR = Number(args.lr);
const LATENT = 64;
const RESULTS = new URL('./results/', import.meta.url);

/** Writes [rows·cols, 784] values in [0, 1] as a grid PNG of 28×28 tiles in results/. */
const writeGrid = (name, images, cols) => writeImageGrid(new URL(name, RESULTS), images, cols);

mkdirSync(RESULTS, { recursive: true });
const backend = await initBackend(args.backend);
const { images, labels } = await loadMnist({ split: 'train', limit: Number(args.limit) });
labels.dispose();
const gan = Gan.dcgan({ latentSize: LATENT, loss: args.loss, seed: 0 });
const discriminatorOptimizer = tf.train.adam(LR, 0.5, 0.999);
const generatorOptimizer = tf.train.adam(LR, 0.5, 0.999);
console.log(
  `Gan.dcgan (z ∈ R^${LATENT}, ${args.loss}) on ${images.shape[0]} grey MNIST images, ${backend}; ` +
    `${STEPS} generator steps, batch ${BATCH}, Adam(${LR}, 0.5, 0.999)`,
);
const t0 = performance.now();
const { history } = await fitAdversarial(gan, images, {
  steps: STEPS,
  batchSize: BATCH,
  discriminatorSteps: gan.discriminatorSteps,
  discriminatorOptimizer,
  generatorOptimizer,
  rng: Rng.fromSeed(1),
  logEvery: 50,
});
const seconds = (performance.now() - t0) / 1000;
for (const row of history) {
  console.log(
    `step ${String(row.step).padStart(5)}: D loss ${row.discriminatorLoss.toFixed(3)}, G loss ${row.generatorLoss.toFixed(3)}`,
  );
}
console.log(
  `${seconds.toFixed(0)} s training, ${((1000 * seconds) / STEPS).toFixed(0)} ms per generator step`,
);
const samples = gan.sample(64, Rng.fromSeed(2));
await writeGrid('gan-mnist-samples.png', samples, 8);
const real = tf.slice(images, [0, 0], [64, -1]);
await writeGrid('gan-mnist-real.png', real, 8);
console.log('samples → bench/results/gan-mnist-samples.png, real digits → gan-mnist-real.png');
tf.dispose([samples, real, images]);
discriminatorOptimizer.dispose();
generatorOptimizer.dispose();
gan.dispose();
