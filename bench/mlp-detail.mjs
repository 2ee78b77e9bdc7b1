// The MLP step alone, in depth (the suite of bench/run.mjs has it as one row): the step with
// @gen's fast BatchMatMul gradient, its matmul floor and tfjs's stock gradient on wasm and cpu,
// against single-thread PyTorch (torch_mlp.py). `pnpm --filter @gen/bench mlp-detail`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform } from 'node:os';
import { initBackend } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { benchmarkBackend, CONFIG, matMulFloorFlops } from './mlp-step.mjs';
import { printReport } from './report.mjs';
import { runTorchBaseline } from './torch-baseline.mjs';

// Step counts keep the whole run under two minutes on a 2-core machine (a wasm step takes about
// 20 ms, a stock-gradient wasm step about 110 ms, a cpu step about 500 ms when the machine is
// otherwise idle). Repeats are interleaved rounds; see measureInterleaved.
const PLANS = {
  wasm: {
    repeats: 11,
    step: { warmup: 10, iterations: 20 },
    floor: { warmup: 10, iterations: 20 },
    stock: { warmup: 3, iterations: 4 },
    profileSteps: 5,
  },
  cpu: {
    repeats: 5,
    step: { warmup: 2, iterations: 3 },
    floor: { warmup: 2, iterations: 3 },
    stock: { warmup: 1, iterations: 2 },
    profileSteps: 1,
  },
};

const arch = [CONFIG.inputSize, ...CONFIG.hiddenSizes, CONFIG.outputSize].join('-');
console.log(
  `MLP ${arch} (relu, relu, sigmoid) training step: MSE, Adam lr ${CONFIG.learningRate} ` +
    `eps ${CONFIG.epsilon}, batch ${CONFIG.batchSize}. Median ms/step over timed repeats.\n`,
);

// The benchmark itself keeps one core busy; anything else running inflates the timings.
const loadAtStart = loadavg()[0];
if (loadAtStart > 0.5) {
  console.log(
    `Note: 1-min load average is ${loadAtStart.toFixed(2)} on ${cpus().length} cores before ` +
      'starting; other work on this machine will inflate the timings.\n',
  );
}

const results = {};
for (const backend of Object.keys(PLANS)) {
  await initBackend(backend);
  process.stdout.write(`running tfjs ${backend}… `);
  const started = performance.now();
  results[backend] = await benchmarkBackend(PLANS[backend]);
  console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
}
process.stdout.write('running PyTorch… ');
const torch = runTorchBaseline();
console.log(torch.skipped === undefined ? 'done\n' : 'skipped\n');

const ratios = printReport(results, torch);

const outDir = new URL('./results/', import.meta.url);
mkdirSync(outDir, { recursive: true });
const report = {
  date: new Date().toISOString(),
  machine: {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    platform: platform(),
    loadAverage1m: { start: loadAtStart, end: loadavg()[0] },
  },
  versions: { node: process.versions.node, tfjsCore: tf.version_core },
  config: { ...CONFIG, model: '@gen/nn Mlp', matMulFloorFlops: matMulFloorFlops() },
  plans: PLANS,
  tfjs: results,
  torch,
  ratios,
};
writeFileSync(new URL('mlp-detail-latest.json', outDir), `${JSON.stringify(report, null, 2)}\n`);
console.log('\nWrote bench/results/mlp-detail-latest.json');
