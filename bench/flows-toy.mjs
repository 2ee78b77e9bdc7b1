// Normalizing flows on FFJORD's 2-D toy densities: test NLL of RealNVP, MAF, a neural spline
// flow and a planar stack next to a single Gaussian, a 16-component GMM and the generator's
// entropy (docs/references.md#flows-on-2-d-toy-densities), plus density heatmaps as PNGs in
// bench/results/.
//
//   node flows-toy.mjs [--steps 600] [--lr 5e-3] [--datasets moons,8gaussians,checkerboard]
//                      [--flows RealNVP,MAF,…] [--backend wasm] [--train 20000] [--test 10000]
//                      [--quick]
//
// Build first: node_modules/.bin/turbo run build --filter=@gen/bench...
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend, Rng } from '@gen/core';
import { makeToy } from '@gen/data';
import {
  ActNorm,
  AffineCoupling,
  Flow,
  MaskedAutoregressive,
  Planar,
  RationalQuadraticSpline,
  Reverse,
  standardNormal,
} from '@gen/flows';
import { cosineDecay, fit } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '600' },
    datasets: { type: 'string', default: 'moons,8gaussians,checkerboard' },
    backend: { type: 'string', default: 'wasm' },
    train: { type: 'string', default: '20000' },
    test: { type: 'string', default: '10000' },
    lr: { type: 'string', default: '5e-3' },
    flows: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
});
const STEPS = args.quick ? 50 : Number(args.steps);
const N_TRAIN = Number(args.train);
const N_TEST = Number(args.test);
const BATCH = 512;
const RESULTS = new URL('./results/', import.meta.url);

/** Generator entropies in nats, docs/references.md#flows-on-2-d-toy-densities (FFJORD's scalings). */
const ENTROPY = { moons: 2.395, '8gaussians': 2.8312, checkerboard: Math.log(32) };

/** FFJORD's datasets; @gen/data's moons is sklearn's, FFJORD's is that × 2 + (−1, −0.2). */
function dataset(name, n, seed) {
  const { x } = makeToy(name, { n, seed });
  if (name !== 'moons') return x;
  const out = tf.tidy(() => tf.add(tf.mul(x, 2), [-1, -0.2]));
  x.dispose();
  return out;
}

const net = { hiddenSizes: [64, 64] };
const FLOWS = {
  RealNVP: () => [
    ...Array.from(
      { length: 8 },
      (_, i) => new AffineCoupling({ dim: 2, parity: i % 2, seed: i, ...net }),
    ),
    new ActNorm({ dim: 2 }),
  ],
  MAF: () =>
    Array.from({ length: 5 }, (_, i) => [
      new MaskedAutoregressive({ dim: 2, seed: i, ...net }),
      new Reverse(2),
    ]).flat(),
  'NSF (spline)': () => [
    ...Array.from(
      { length: 4 },
      (_, i) =>
        new RationalQuadraticSpline({
          dim: 2,
          parity: i % 2,
          bins: 8,
          tailBound: 4,
          seed: i,
          ...net,
        }),
    ),
    new ActNorm({ dim: 2 }),
  ],
  'planar ×16': () => Array.from({ length: 16 }, (_, i) => new Planar({ dim: 2, seed: i })),
};

/** Mean NLL of `x` under `logProb`, evaluated in chunks, as a JS number. */
async function meanNll(logProb, x) {
  let total = 0;
  for (let start = 0; start < x.shape[0]; start += 5000) {
    const size = Math.min(5000, x.shape[0] - start);
    const lp = tf.tidy(() => tf.sum(logProb(tf.slice(x, [start, 0], [size, 2]))));
    total += (await lp.data())[0];
    lp.dispose();
  }
  return -total / x.shape[0];
}

/** A single Gaussian fitted by maximum likelihood (closed form). */
function gaussian(train) {
  const [mu, cov] = tf.tidy(() => {
    const mean = tf.mean(train, 0);
    const centred = tf.sub(train, mean);
    return [
      mean.arraySync(),
      tf.div(tf.matMul(centred, centred, true), train.shape[0]).arraySync(),
    ];
  });
  const det = cov[0][0] * cov[1][1] - cov[0][1] * cov[1][0];
  const inv = [
    [cov[1][1] / det, -cov[0][1] / det],
    [-cov[1][0] / det, cov[0][0] / det],
  ];
  return (x) =>
    tf.tidy(() => {
      const d = tf.sub(x, mu);
      const m = tf.sum(tf.mul(tf.matMul(d, tf.tensor2d(inv)), d), 1);
      return tf.sub(tf.mul(-0.5, m), 0.5 * Math.log(det) + Math.log(2 * Math.PI));
    });
}

async function gmm16(train) {
  let mixture;
  try {
    mixture = await import('@gen/mixture');
  } catch (error) {
    return { note: `@gen/mixture not available (${error.code ?? error.message})` };
  }
  const model = new mixture.GaussianMixture({ components: 16, covariance: 'full', seed: 0 });
  await model.fit(train);
  return { logProb: (x) => model.logProb(x), dispose: () => model.dispose() };
}

async function trainFlow(make, train, seed) {
  const flow = new Flow({ base: standardNormal(2), transforms: make() });
  const started = performance.now();
  await fit(flow, train, {
    steps: STEPS,
    batchSize: BATCH,
    learningRate: cosineDecay({ initial: Number(args.lr), steps: STEPS, final: 1e-4 }),
    clipNorm: 10,
    rng: Rng.fromSeed(seed),
    logEvery: 100,
  });
  return { flow, seconds: (performance.now() - started) / 1000 };
}

/** A perceptually ordered colour map (dark blue → teal → yellow), t in [0, 1]. */
function colour(t) {
  const stops = [
    [13, 8, 60],
    [52, 60, 140],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const s = Math.min(Math.max(t, 0), 1) * (stops.length - 1);
  const i = Math.min(Math.floor(s), stops.length - 2);
  const f = s - i;
  return stops[i].map((c, k) => Math.round(c + f * (stops[i + 1][k] - c)));
}

const PANEL = 160;

/** Density of `logProb` (or a histogram of `samples`) on [−4, 4]² as one PANEL² image row-block. */
async function panel(logProb, samples) {
  const h = 8 / PANEL;
  const values = new Float64Array(PANEL * PANEL);
  if (samples) {
    const xy = await samples.data();
    for (let i = 0; i < xy.length; i += 2) {
      const c = Math.floor((xy[i] + 4) / h);
      const r = Math.floor((4 - xy[i + 1]) / h);
      if (c >= 0 && c < PANEL && r >= 0 && r < PANEL) values[r * PANEL + c] += 1;
    }
  } else {
    const grid = [];
    for (let r = 0; r < PANEL; r++)
      for (let c = 0; c < PANEL; c++) grid.push(-4 + h * (c + 0.5), 4 - h * (r + 0.5));
    const points = tf.tensor2d(grid, [PANEL * PANEL, 2]);
    const p = tf.tidy(() => tf.exp(logProb(points)));
    values.set(await p.data());
    tf.dispose([points, p]);
  }
  const max = Math.max(...values) || 1;
  return Array.from(values, (v) => colour(Math.sqrt(v / max)));
}

function writeStrip(file, panels) {
  const gap = 4;
  const png = new PNG({ width: panels.length * (PANEL + gap) - gap, height: PANEL });
  png.data.fill(255);
  panels.forEach((pixels, p) => {
    pixels.forEach(([r, g, b], i) => {
      const x = p * (PANEL + gap) + (i % PANEL);
      const k = (Math.floor(i / PANEL) * png.width + x) * 4;
      png.data[k] = r;
      png.data[k + 1] = g;
      png.data[k + 2] = b;
      png.data[k + 3] = 255;
    });
  });
  writeFileSync(file, PNG.sync.write(png));
}

const backend = await initBackend(args.backend);
mkdirSync(RESULTS, { recursive: true });
const datasets = args.datasets.split(',');
const rows = [];
const startTensors = tf.memory().numTensors;
console.log(
  `flows-toy on ${backend}: ${STEPS} steps of batch ${BATCH}, ${N_TRAIN} train / ${N_TEST} test points`,
);
for (const [d, name] of datasets.entries()) {
  const train = dataset(name, N_TRAIN, 100 + d);
  const test = dataset(name, N_TEST, 200 + d);
  const row = { dataset: name, entropy: ENTROPY[name] };
  const panels = [await panel(null, test)];
  const labels = ['data', 'Gaussian'];
  const g = gaussian(train);
  row.Gaussian = await meanNll(g, test);
  panels.push(await panel(g));
  const mix = await gmm16(train);
  row['GMM-16'] = mix.logProb ? await meanNll(mix.logProb, test) : mix.note;
  if (mix.logProb) {
    panels.push(await panel(mix.logProb));
    labels.push('GMM-16');
  }
  mix.dispose?.();
  for (const [label, make] of Object.entries(FLOWS).filter(
    ([l]) => !args.flows || args.flows.split(',').includes(l),
  )) {
    const { flow, seconds } = await trainFlow(make, train, d);
    row[label] = await meanNll((x) => flow.logProb(x), test);
    row[`${label} s`] = seconds;
    console.log(`  ${name} ${label}: test NLL ${row[label].toFixed(3)} (${seconds.toFixed(0)} s)`);
    panels.push(await panel((x) => flow.logProb(x)));
    labels.push(label);
    flow.dispose();
  }
  const file = new URL(`flows-${name}.png`, RESULTS);
  writeStrip(file, panels);
  console.log(`  wrote ${file.pathname} (panels: ${labels.join(', ')})`);
  tf.dispose([train, test]);
  rows.push(row);
}
if (tf.memory().numTensors !== startTensors) {
  throw new Error(`leak: ${tf.memory().numTensors - startTensors} tensors`);
}

const columns = ['Gaussian', 'GMM-16', ...Object.keys(FLOWS)];
const fmt = (v) => (typeof v === 'number' ? v.toFixed(3) : String(v));
console.log(`\n| data set | H (nats) | ${columns.join(' | ')} |`);
console.log(`|---|---|${columns.map(() => '---').join('|')}|`);
for (const r of rows) {
  console.log(
    `| ${r.dataset} | ${fmt(r.entropy)} | ${columns.map((c) => fmt(r[c])).join(' | ')} |`,
  );
}
console.log('\ntraining wall-clock time (s):');
for (const r of rows) {
  const times = Object.keys(FLOWS).flatMap((c) =>
    `${c} s` in r ? [`${c} ${r[`${c} s`].toFixed(0)}`] : [],
  );
  console.log(`  ${r.dataset}: ${times.join(', ')}`);
}
writeFileSync(
  new URL('flows-toy.json', RESULTS),
  `${JSON.stringify({ backend, steps: STEPS, batch: BATCH, train: N_TRAIN, test: N_TEST, rows }, null, 2)}\n`,
);
