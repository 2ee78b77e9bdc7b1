// The side-by-side benchmark suite of issue 19: every row times one @gen workload on tfjs-wasm
// (and cpu, and WebGPU where a hardware adapter exists) against its PyTorch, POT or
// scikit-learn twin in interleaved rounds. See README.md. `node bench/mlp-detail.mjs` is the
// older, deeper look at the MLP step alone (matmul floor, stock gradient).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform } from 'node:os';
import { fileURLToPath } from 'node:url';
import { backendInfo, initBackend } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from './suite/args.mjs';
import { startPython } from './suite/python-worker.mjs';
import { printSuite, verdict } from './suite/report.mjs';
import { runRow } from './suite/run-row.mjs';
import { convVaeRow } from './workloads/conv-vae.mjs';
import { dcganRow } from './workloads/dcgan.mjs';
import { elementwiseRow } from './workloads/elementwise.mjs';
import { emRow } from './workloads/em.mjs';
import { ganRow } from './workloads/gan.mjs';
import { madeRow } from './workloads/made.mjs';
import { mlpRow } from './workloads/mlp.mjs';
import { mmdRow } from './workloads/mmd.mjs';
import { nsfRow } from './workloads/nsf.mjs';
import { sinkhornRows } from './workloads/sinkhorn.mjs';
import { vaeRow } from './workloads/vae.mjs';

const ROWS = [
  mlpRow,
  ganRow,
  madeRow,
  vaeRow,
  elementwiseRow,
  mmdRow,
  ...sinkhornRows,
  emRow,
  dcganRow,
  convVaeRow,
  nsfRow,
];

function probeWebGpu() {
  const script = fileURLToPath(new URL('./suite/webgpu-probe.mjs', import.meta.url));
  const run = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 });
  const line = run.stdout?.trim().split('\n').at(-1);
  try {
    return JSON.parse(line);
  } catch {
    return { hardware: false, reason: `the probe failed (${run.error?.message ?? run.status})` };
  }
}

/** Runs `rows` on `backend` with the plans `planName`; a failing row is recorded, not fatal. */
async function runPhase(backend, planName, rows, python, results, baselines, threads) {
  await initBackend(backend, backend === 'wasm' ? { threads } : {});
  for (const row of rows) {
    const plan = row.plans[planName];
    results[row.id] ??= { title: row.title, phases: {}, notes: [] };
    const result = results[row.id];
    if (plan === undefined || result.error !== undefined) continue;
    process.stdout.write(`${backend} ${row.id}… `);
    const started = performance.now();
    try {
      const phase = await runRow(row, backend, plan, python, baselines);
      result.phases[backend] = phase;
      result.notes.push(...phase.notes);
      console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
      for (const note of phase.notes) console.log(`  ${note}`);
    } catch (error) {
      result.error = error.stack ?? String(error);
      console.log(`failed: ${error.message}`);
    }
  }
}

async function main() {
  let options;
  try {
    options = parseArgs(
      process.argv.slice(2),
      ROWS.map((r) => r.id),
    );
  } catch (error) {
    console.error(error.message);
    return 2;
  }
  if (options.help !== undefined) {
    console.log(options.help);
    return 0;
  }
  const mode = options.quick ? 'quick' : 'full';
  const rows = ROWS.filter((r) => options.only === undefined || options.only.includes(r.id));
  const loadAtStart = loadavg()[0];
  console.log(`@gen side-by-side benchmark, ${mode} mode, ${rows.length} rows.`);
  if (loadAtStart > 0.5) {
    console.log(
      `Note: 1-min load average is ${loadAtStart.toFixed(2)} on ${cpus().length} cores; other ` +
        'work inflates every timing (the interleaved ratios hold up better).',
    );
  }
  const started = performance.now();
  const python = await startPython();
  if (python.skipped !== undefined) console.log(`Python baselines skipped: ${python.skipped}`);
  const results = {};
  const backends = ['wasm'];
  let wasmThreads;
  try {
    await runPhase('wasm', mode, rows, python, results, true, options.threads);
    wasmThreads = backendInfo()?.threads;
    console.log(`wasm ran on ${wasmThreads} thread(s)`);
    if (!options.quick && options.cpu) {
      const cheap = rows.filter((r) => r.plans.cpu !== undefined);
      if (cheap.length > 0) {
        backends.push('cpu');
        await runPhase('cpu', 'cpu', cheap, python, results, 'first');
      }
    }
  } finally {
    await python.close?.();
  }
  const webgpu = probeWebGpu();
  if (webgpu.hardware) {
    backends.push('webgpu');
    console.log(`WebGPU: ${webgpu.adapter}`);
    await runPhase('webgpu', mode, rows, python, results, false);
  } else {
    console.log(`WebGPU: no hardware adapter on this machine (${webgpu.reason})`);
  }
  for (const row of rows) Object.assign(results[row.id], verdict(row, results[row.id]));

  console.log('');
  printSuite(rows, results, backends);

  const date = new Date();
  const report = {
    date: date.toISOString(),
    mode,
    argv: process.argv.slice(2),
    wasmThreads,
    seconds: (performance.now() - started) / 1000,
    machine: {
      cpu: cpus()[0]?.model,
      cores: cpus().length,
      platform: platform(),
      loadAverage1m: { start: loadAtStart, end: loadavg()[0] },
    },
    versions: { node: process.versions.node, tfjsCore: tf.version_core, python: python.versions },
    webgpu,
    backends,
    rows: Object.fromEntries(
      rows.map((row) => [
        row.id,
        { target: row.target, kernelTarget: row.kernelTarget, ...results[row.id] },
      ]),
    ),
  };
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const stamp = date
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const json = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(new URL(`${stamp}-${mode}.json`, dir), json);
  writeFileSync(new URL('latest.json', dir), json);
  console.log(
    `\nWrote bench/results/${stamp}-${mode}.json and latest.json (${report.seconds.toFixed(0)} s)`,
  );
  const failed = rows.filter((row) => results[row.id].error !== undefined);
  for (const row of failed) console.error(`\n${row.id} failed:\n${results[row.id].error}`);
  return failed.length > 0 ? 1 : 0;
}

process.exitCode = await main();
