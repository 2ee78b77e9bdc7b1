// The DCGAN-on-MNIST benchmark in one command: trains Gan.dcgan on grey MNIST through the CLI
// (`gen train gan --data mnist --arch conv --config recipes/dcgan-mnist.json`), then scores
// 5000 samples with the offline MNIST metric of quality/image-quality.mjs (share of samples the
// bench's classifier labels with probability > 0.9, the share of each digit, classifier-feature
// Fréchet distance) against the targets of issue 20 (≥ 90 % confident, every digit 5-15 %), and
// writes an 8×8 grid of samples to results/dcgan-mnist-samples.png and the numbers to
// results/dcgan-mnist.json.
//
//   node gan-mnist.mjs [--recipe recipes/dcgan-mnist.json] [--out <run-dir>] [--seed 0]
//   node gan-mnist.mjs --run <run-dir>      (score a trained run, e.g. a pretrained one)
//
// Training takes about half an hour on one core (see bench/README.md). Build first:
// pnpm exec turbo run build --output-logs=errors-only
import '@gen/gan';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, Rng } from '@gen/core';
import { loadModel } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { writeImageGrid } from './png-grid.mjs';
import { imageQuality } from './quality/image-quality.mjs';

const { values: args } = parseArgs({
  options: {
    recipe: {
      type: 'string',
      default: new URL('./recipes/dcgan-mnist.json', import.meta.url).pathname,
    },
    out: { type: 'string' },
    run: { type: 'string' },
    seed: { type: 'string', default: '0' },
    samples: { type: 'string', default: '5000' },
  },
});
const CLI = new URL('../apps/cli/dist/index.js', import.meta.url).pathname;
const RESULTS = new URL('./results/', import.meta.url).pathname;
const N = Number(args.samples);
const CHUNK = 500;

let run = args.run === undefined ? undefined : resolve(args.run);
let trainSeconds = null;
if (run === undefined) {
  run = resolve(args.out ?? `/tmp/dcgan-mnist-${Date.now()}`);
  const command = ['train', 'gan', '--data', 'mnist', '--arch', 'conv', '--config', args.recipe];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...command, '--seed', args.seed, '--out', run], {
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`gen train failed (exit ${r.status})`);
  trainSeconds = Math.round((performance.now() - t0) / 1000);
}

const backend = await initBackend('wasm');
const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
const metrics = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
const gan = await loadModel(join(run, 'model.safetensors'));
mkdirSync(RESULTS, { recursive: true });
const grid = gan.sample(64, Rng.fromSeed(1));
await writeImageGrid(join(RESULTS, 'dcgan-mnist-samples.png'), grid, 8);
grid.dispose();
const rngs = Rng.fromSeed(2).split(Math.ceil(N / CHUNK));
const parts = rngs.map((r, i) => gan.sample(Math.min(CHUNK, N - i * CHUNK), r));
const images = tf.concat(parts, 0);
tf.dispose(parts);
const quality = await imageQuality(images, { referenceSize: N });
images.dispose();
gan.dispose();
const shares = quality.classShares;
const report = {
  benchmark: 'DCGAN on MNIST (Gan.dcgan, gen train gan --arch conv)',
  run,
  backend,
  steps: metrics.step,
  trainSeconds: trainSeconds ?? metrics.seconds,
  config,
  samples: N,
  confident: quality.confident,
  classShares: shares,
  frechet: quality.frechet,
  meanMaxProbability: quality.meanMaxProbability,
  reference: quality.reference,
  target: {
    confident: '>= 0.9',
    classShares: 'each in [0.05, 0.15]',
    met: quality.confident >= 0.9 && shares.every((s) => s >= 0.05 && s <= 0.15),
  },
  date: new Date().toISOString(),
};
writeFileSync(join(RESULTS, 'dcgan-mnist.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `${run}: ${report.steps} steps in ${report.trainSeconds} s; confident ${(100 * quality.confident).toFixed(1)} %, ` +
    `classes ${shares.map((s) => (100 * s).toFixed(1)).join(' / ')} %, Fréchet ${quality.frechet.toFixed(3)}; ` +
    `target ${report.target.met ? 'met' : 'not met'}`,
);
console.log(
  'samples → bench/results/dcgan-mnist-samples.png, numbers → bench/results/dcgan-mnist.json',
);
