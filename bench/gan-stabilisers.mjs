// What each GAN stabiliser of @gen/gan changes on the grid of 25 Gaussians (issue #23): one
// baseline recipe, then the same recipe with one option switched on at a time, each scored by
// modeCoverage (modes captured of 25, % high-quality samples within 3 std of a centre) on 2500
// draws, mean ± std over the seeds. The protocol of gan-toy.mjs, scaled down so the whole table
// fits in minutes: data ÷ 4, batch 256, Adam(lr, 0.5, 0.999) with cosine decay, non-saturating
// loss, 2×128 leaky-ReLU MLPs, z ∈ R^16, 2000 generator steps by default (the papers: 25k–100k).
//
//   node gan-stabilisers.mjs [--steps 2000] [--seeds 1] [--first-seed 0] [--backend wasm]
//                            [--options baseline,spectral-norm,r1,r2,ema,smoothing-decay,label-flip]
//
// Options (the Gan option each row adds to the baseline):
//   spectral-norm    spectralNorm: true
//   r1 / r2          r1Penalty / r2Penalty: 0.01 (in the units of x / 4)
//   ema              ema: { decay: 0.999, start: steps / 4 } (samples from the average)
//   smoothing-decay  labelSmoothing: { value: 0.8, decaySteps: steps }
//   label-flip       labelFlip: 0.05
// Build first: pnpm turbo run build --filter=@gen/bench...
import { parseArgs } from 'node:util';
import { initBackend, Rng } from '@gen/core';
import { makeToy } from '@gen/data';
import { Gan, modeCoverage } from '@gen/gan';
import { cosineDecay, fitAdversarial, learningRateScheduler } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '2000' },
    seeds: { type: 'string', default: '1' },
    'first-seed': { type: 'string', default: '0' },
    backend: { type: 'string', default: 'wasm' },
    lr: { type: 'string', default: '1e-3' },
    options: {
      type: 'string',
      default: 'baseline,spectral-norm,r1,r2,ema,smoothing-decay,label-flip',
    },
  },
});
const STEPS = Number(args.steps);
const SEEDS = Number(args.seeds);
const FIRST_SEED = Number(args['first-seed']);
const LR = Number(args.lr);
const STD = 0.05;
const SCALE = 4;
const N_EVAL = 2500;

/** The Gan options each row adds to the baseline. */
const VARIANTS = {
  baseline: {},
  'spectral-norm': { spectralNorm: true },
  r1: { r1Penalty: 0.01 },
  r2: { r2Penalty: 0.01 },
  ema: { ema: { decay: 0.999, start: Math.floor(STEPS / 4) } },
  'smoothing-decay': { labelSmoothing: { value: 0.8, decaySteps: STEPS } },
  'label-flip': { labelFlip: 0.05 },
};

async function run(variant, seed) {
  const before = tf.memory().numTensors;
  const toy = makeToy('grid25', { n: 20000, seed: 100 + seed, std: STD });
  const x = tf.div(toy.x, SCALE);
  const gan = Gan.mlp({
    dataSize: 2,
    latentSize: 16,
    hiddenSizes: [128, 128],
    loss: 'non-saturating',
    seed,
    ...VARIANTS[variant],
  });
  const cosine = cosineDecay({ initial: LR, steps: STEPS });
  const [discriminatorOptimizer, generatorOptimizer] = [
    tf.train.adam(LR, 0.5, 0.999),
    tf.train.adam(LR, 0.5, 0.999),
  ];
  const t0 = performance.now();
  await fitAdversarial(gan, x, {
    steps: STEPS,
    batchSize: 256,
    discriminatorSteps: gan.discriminatorSteps,
    discriminatorOptimizer,
    generatorOptimizer,
    rng: Rng.fromSeed(seed),
    callbacks: [learningRateScheduler(cosine)],
    nanGuard: false,
  });
  const msPerStep = (performance.now() - t0) / STEPS;
  const samples = tf.tidy(() => tf.mul(gan.sample(N_EVAL, Rng.fromSeed(1000 + seed)), SCALE));
  const { modes, highQuality } = modeCoverage(samples, toy.centers, STD);
  tf.dispose([samples, toy.x, x]);
  discriminatorOptimizer.dispose();
  generatorOptimizer.dispose();
  gan.dispose();
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`gan-stabilisers: ${variant} leaked ${after - before}`);
  return { modes, highQuality, msPerStep };
}

const meanStd = (xs) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const s = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return xs.length > 1 ? `${m.toFixed(1)} ± ${s.toFixed(1)}` : m.toFixed(1);
};

await initBackend(args.backend);
console.log(
  `grid25, non-saturating, ${STEPS} generator steps, ${SEEDS} seed(s) from ${FIRST_SEED}, ${args.backend}`,
);
console.log('| option | modes (of 25) | % high quality | ms / step |');
console.log('|---|---|---|---|');
for (const variant of args.options.split(',')) {
  if (!(variant in VARIANTS)) throw new Error(`gan-stabilisers: unknown option '${variant}'`);
  const rows = [];
  for (let s = FIRST_SEED; s < FIRST_SEED + SEEDS; s++) rows.push(await run(variant, s));
  console.log(
    `| ${variant} | ${meanStd(rows.map((r) => r.modes))} | ${meanStd(rows.map((r) => 100 * r.highQuality))} | ${meanStd(rows.map((r) => r.msPerStep))} |`,
  );
}
