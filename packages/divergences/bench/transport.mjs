// Side-by-side timings of mmd and sinkhorn against single-thread torch (MMD², cdist) and POT's
// log-domain Sinkhorn, in interleaved rounds on the same samples. Needs the built package
// (`pnpm --filter @gen/divergences build`) and Debian's python3-torch and python3-pot:
//
//   node packages/divergences/bench/transport.mjs [--n 1000] [--rounds 5] [--epsilons 0.1,0.01]
//
// Timings are reports, never test verdicts. Sinkhorn stops at tolerance 1e-6 on both sides:
// POT measures the L2 norm of the column-marginal violation, this package the L1 norm (the
// stricter of the two), so the comparison favours POT.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { initBackend, Rng } from '@gen/core';
import { mmd, sinkhorn } from '@gen/divergences';
import * as tf from '@tensorflow/tfjs-core';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '5' },
    epsilons: { type: 'string', default: '0.1,0.01' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const n = Number(values.n);
const rounds = Number(values.rounds);
await initBackend(values.backend);
const rng = Rng.fromSeed(19);
const x = rng.normal([n, 2]);
const y = tf.add(rng.normal([n, 2]), tf.tensor1d([0.5, 0]));
const file = join(mkdtempSync(join(tmpdir(), 'gen-bench-')), 'samples.json');
writeFileSync(file, JSON.stringify({ x: x.arraySync(), y: y.arraySync() }));

const python = spawn(
  '/usr/bin/python3',
  [new URL('./baseline.py', import.meta.url).pathname, file],
  {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  },
);
const lines = createInterface({ input: python.stdout })[Symbol.asyncIterator]();
const ask = async (request) => {
  python.stdin.write(`${request}\n`);
  return JSON.parse((await lines.next()).value);
};
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const timed = (f) => {
  const start = performance.now();
  const out = f();
  return { ms: performance.now() - start, out };
};

const before = tf.memory().numTensors;
const rows = [];
{
  const ours = [];
  const theirs = [];
  const reps = 10;
  tf.dispose(mmd(x, y));
  for (let r = 0; r < rounds; r++) {
    const times = [];
    for (let i = 0; i < reps; i++) {
      const { ms, out } = timed(() => {
        const v = mmd(x, y);
        v.dataSync();
        return v;
      });
      out.dispose();
      times.push(ms);
    }
    ours.push(median(times));
    theirs.push((await ask(`mmd ${reps}`)).ms);
  }
  const profile = await tf.profile(() => mmd(x, y));
  tf.dispose(profile.result);
  const kernels = profile.kernels.length;
  rows.push({
    workload: `MMD², n = ${n}, d = 2, one RBF bandwidth`,
    ours: median(ours),
    baseline: median(theirs),
    baselineName: 'torch (cdist, 1 thread)',
    kernels,
  });
}
for (const epsilon of values.epsilons.split(',').filter(Boolean).map(Number)) {
  const ours = [];
  const theirs = [];
  let report;
  let pot;
  for (let r = 0; r < Math.max(1, Math.floor(rounds / 3)); r++) {
    const { ms, out } = timed(() =>
      sinkhorn(x, y, { epsilon, maxIterations: 20000, tolerance: 1e-6, returnPlan: true }),
    );
    report = {
      iterations: out.iterations,
      converged: out.converged,
      marginalError: out.marginalError,
      value: out.value.dataSync()[0],
    };
    tf.dispose([out.value, out.plan]);
    ours.push(ms);
    pot = await ask(`sinkhorn ${epsilon} 1e-6`);
    theirs.push(pot.ms);
  }
  rows.push({
    workload: `Sinkhorn, n = ${n}, ε = ${epsilon}, tol 1e-6`,
    ours: median(ours),
    baseline: median(theirs),
    baselineName: 'POT sinkhorn_log',
    ...report,
    potIterations: pot.iterations,
    potValue: pot.value,
  });
}
python.stdin.end();
for (const row of rows) console.log(JSON.stringify({ ...row, ratio: row.ours / row.baseline }));
if (tf.memory().numTensors !== before) {
  throw new Error(`tf.memory().numTensors went ${before} → ${tf.memory().numTensors}: a leak`);
}
tf.dispose([x, y]);
