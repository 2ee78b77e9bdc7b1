// GAN mode coverage on the 2-D ring of 8 and grid of 25 Gaussians (reference/papers.md §3d):
// modes captured and % high-quality samples (within 3 std of the nearest centre) over 2500
// samples, averaged over seeds, next to the published VEEGAN/GDPP table, plus scatter PNGs in
// bench/results/.
//
// REDUCED PROTOCOL (by default): 1000 generator iterations and 1 seed per loss (about 6 minutes
// on wasm) instead of the papers' 25k–100k iterations and 5 runs, so the numbers are
// indicative, not a reproduction.
//
//   node gan-toy.mjs [--steps 1000] [--seeds 1] [--losses non-saturating,wasserstein-gp,…]
//                    [--datasets ring8,grid25] [--backend wasm] [--quick]
//
// Build first: node_modules/.bin/turbo run build --filter=@gen/bench...
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend, Rng } from '@gen/core';
import { makeToy } from '@gen/data';
import { Gan, modeCoverage } from '@gen/gan';
import { fitAdversarial } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '1000' },
    seeds: { type: 'string', default: '1' },
    losses: { type: 'string', default: 'non-saturating,least-squares,wasserstein-gp' },
    datasets: { type: 'string', default: 'ring8,grid25' },
    backend: { type: 'string', default: 'wasm' },
    quick: { type: 'boolean', default: false },
  },
});
const STEPS = args.quick ? 100 : Number(args.steps);
const SEEDS = args.quick ? 1 : Number(args.seeds);
const BATCH = 256;
const N_EVAL = 2500;
const RESULTS = new URL('./results/', import.meta.url);

/** Published numbers (VEEGAN Table 1 via GDPP Table 1): [modes, % high quality]. */
const PUBLISHED = {
  ring8: {
    GAN: [1, 99.3],
    'Unrolled GAN': [7.6, 35.6],
    VEEGAN: [8.0, 52.9],
    'WGAN-GP (GDPP)': [6.8, 59.6],
  },
  grid25: {
    GAN: [3.3, 0.5],
    'Unrolled GAN': [23.6, 16.0],
    VEEGAN: [24.6, 40.0],
    'WGAN-GP (GDPP)': [24.2, 28.7],
  },
};
/** PacGAN's definitions: ring radius 1, std 0.01; grid spacing 2, std 0.05. */
const DATA = { ring8: { std: 0.01 }, grid25: { std: 0.05 } };

async function run(dataset, loss, seed) {
  const { x, centers, std } = makeToy(dataset, { n: 20000, seed: 100 + seed, ...DATA[dataset] });
  const gan = Gan.mlp({ dataSize: 2, latentSize: 16, hiddenSizes: [128, 128], loss, seed });
  const lr = 1e-4 * (loss === 'wasserstein-gp' ? 5 : 10);
  await fitAdversarial(gan, x, {
    steps: STEPS,
    batchSize: BATCH,
    discriminatorSteps: gan.discriminatorSteps,
    discriminatorOptimizer: tf.train.adam(lr, 0.5, 0.9),
    generatorOptimizer: tf.train.adam(lr, 0.5, 0.9),
    rng: Rng.fromSeed(seed),
    callbacks: [gan.callback()],
    logEvery: 100,
  });
  const samples = gan.sample(N_EVAL, Rng.fromSeed(1000 + seed));
  const result = modeCoverage(samples, centers, std);
  const points = await samples.array();
  tf.dispose([samples, x]);
  gan.dispose();
  return { ...result, points, centers };
}

function scatter(file, panels) {
  const S = 256;
  const png = new PNG({ width: panels.length * (S + 8) - 8, height: S });
  png.data.fill(255);
  panels.forEach(({ points, centers, extent }, p) => {
    const put = (x, y, [r, g, b], size) => {
      const px = Math.round(((x + extent) / (2 * extent)) * (S - 1));
      const py = Math.round(((extent - y) / (2 * extent)) * (S - 1));
      for (let dx = -size; dx <= size; dx++)
        for (let dy = -size; dy <= size; dy++) {
          const [u, v] = [px + dx, py + dy];
          if (u < 0 || v < 0 || u >= S || v >= S) continue;
          const k = (v * png.width + p * (S + 8) + u) * 4;
          png.data.set([r, g, b, 255], k);
        }
    };
    for (const [x, y] of points) put(x, y, [30, 90, 200], 0);
    for (const [x, y] of centers) put(x, y, [220, 40, 40], 1);
  });
  writeFileSync(file, PNG.sync.write(png));
}

const backend = await initBackend(args.backend);
mkdirSync(RESULTS, { recursive: true });
const losses = args.losses.split(',');
console.log(
  `backend ${backend}; ${STEPS} generator steps, batch ${BATCH}, ${SEEDS} seed(s) per loss, ${N_EVAL} samples`,
);
for (const dataset of args.datasets.split(',')) {
  const max = dataset === 'ring8' ? 8 : 25;
  const extent = dataset === 'ring8' ? 1.5 : 5.5;
  console.log(`\n${dataset} (max ${max} modes)`);
  console.log('method'.padEnd(28), 'modes'.padStart(6), '% HQ'.padStart(7), '  source');
  for (const [name, [m, hq]] of Object.entries(PUBLISHED[dataset])) {
    console.log(
      name.padEnd(28),
      m.toFixed(1).padStart(6),
      hq.toFixed(1).padStart(7),
      '  published',
    );
  }
  const panels = [];
  for (const loss of losses) {
    const runs = [];
    const t0 = performance.now();
    for (let seed = 0; seed < SEEDS; seed++) runs.push(await run(dataset, loss, seed));
    const modes = runs.reduce((a, r) => a + r.modes, 0) / runs.length;
    const hq = (100 * runs.reduce((a, r) => a + r.highQuality, 0)) / runs.length;
    const secs = ((performance.now() - t0) / 1000).toFixed(0);
    console.log(
      `@gen/gan ${loss}`.padEnd(28),
      modes.toFixed(1).padStart(6),
      hq.toFixed(1).padStart(7),
      `  this run (${runs.length} seeds, ${secs} s)`,
    );
    panels.push({ points: runs[0].points, centers: runs[0].centers, extent });
  }
  const file = new URL(`gan-${dataset}.png`, RESULTS);
  scatter(file, panels);
  console.log(
    `scatter (one panel per loss: ${losses.join(', ')}) → bench/results/gan-${dataset}.png`,
  );
}
