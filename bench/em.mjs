// One EM iteration of @gen/mixture's GaussianMixture against scikit-learn's, on N = 50 000 rows,
// K = 8 components, D = 2 and 16, diag and full covariances. Run after building:
//   node_modules/.bin/turbo run build --filter=@gen/bench...   (or pnpm build in core,
//   distributions, mixture)
//   cd bench && node em.mjs            (pnpm --filter @gen/bench em does the same)
// scikit-learn runs in bench/em_sklearn.py under /usr/bin/python3 (Debian's python3-sklearn),
// single-threaded; without it the comparison is skipped with a message and the run exits 0.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { initBackend, Rng } from '@gen/core';
import { GaussianMixture } from '@gen/mixture';
import * as tf from '@tensorflow/tfjs-core';

const N = 50_000;
const K = 8;
const CASES = [2, 16].flatMap((d) =>
  ['diag', 'full'].map((covariance) => ({ n: N, d, k: K, covariance })),
);
// The cpu backend is ~10× slower: one small case only.
const PLANS = {
  wasm: { cases: CASES, rounds: 7, iterations: 3 },
  cpu: { cases: [{ n: N, d: 2, k: K, covariance: 'diag' }], rounds: 3, iterations: 2 },
};
const SKLEARN = { rounds: 7, iterations: 3 };
const PYTHON = '/usr/bin/python3';
const SINGLE_THREAD = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * N(0, I) data of the case and a GaussianMixture initialised on it (k-means++) whose
 * `fit(x, { warmStart: true })` runs exactly `iterations` EM iterations (tolerance 0), after one
 * such warm fit. bench/run.mjs times its EM row with it too.
 */
export async function prepareFitter({ n, d, k, covariance }, iterations) {
  const x = Rng.fromSeed(1).normal([n, d]);
  const fitter = new GaussianMixture({
    components: k,
    covariance,
    init: 'kmeans++',
    tolerance: 0,
    maxIterations: iterations,
  });
  await fitter.initialize(x);
  await fitter.fit(x, { warmStart: true });
  return { x, fitter };
}

/**
 * Times one case on the current backend, in interleaved rounds of two variants:
 *  - `fit`:    fit(x, { warmStart: true }) with maxIterations = `iterations`, tolerance 0, per
 *              iteration: what an iteration costs inside fit (E-step and moments on the device,
 *              one read-back, the K small factorisations on the host), plus its share of fit's
 *              once-per-call work (validation, centring);
 *  - `emStep`: one public emStep(x) call, which also validates and centres x and reads the
 *              variables back every time.
 * Asserts that tf.memory().numTensors does not change across the timed loops.
 */
async function timeCase({ n, d, k, covariance }, { rounds, iterations }) {
  const { x, fitter } = await prepareFitter({ n, d, k, covariance }, iterations);
  const stepper = new GaussianMixture({
    components: k,
    covariance,
    init: 'kmeans++',
    tolerance: 0,
  });
  await stepper.initialize(x);
  await stepper.emStep(x);
  const before = tf.memory().numTensors;
  const fit = [];
  const step = [];
  for (let r = 0; r < rounds; r++) {
    let start = performance.now();
    await fitter.fit(x, { warmStart: true });
    fit.push((performance.now() - start) / iterations);
    start = performance.now();
    for (let i = 0; i < iterations; i++) await stepper.emStep(x);
    step.push((performance.now() - start) / iterations);
  }
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`${covariance} D=${d}: numTensors ${before} → ${after}`);
  fitter.dispose();
  stepper.dispose();
  x.dispose();
  return {
    fit: median(fit),
    fitMin: Math.min(...fit),
    emStep: median(step),
    rounds: { fit, emStep: step },
  };
}

function runSklearn(cases) {
  const script = fileURLToPath(new URL('./em_sklearn.py', import.meta.url));
  const config = JSON.stringify({ cases, ...SKLEARN, seed: 0 });
  const run = spawnSync(PYTHON, [script, config], {
    encoding: 'utf8',
    env: { ...process.env, ...SINGLE_THREAD },
  });
  if (run.error !== undefined) return { skipped: `${PYTHON} could not be run (${run.error.code})` };
  if (run.status !== 0)
    throw new Error(`bench/em_sklearn.py failed (exit ${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1));
}

async function main() {
  const key = ({ d, covariance }) => `${covariance} D=${d}`;
  console.log(`One EM iteration (E-step + M-step), N = ${N}, K = ${K}. Median ms per iteration.\n`);
  if (loadavg()[0] > 0.5) {
    console.log(
      `Note: 1-min load average is ${loadavg()[0].toFixed(2)} on ${cpus().length} cores; other work inflates the timings.\n`,
    );
  }
  // scikit-learn runs right after the wasm timing of the same case, so that changes in the load
  // of the machine hit both sides of a ratio alike.
  const results = {};
  const sk = {};
  let sklearn = { results: [] };
  for (const [backend, plan] of Object.entries(PLANS)) {
    await initBackend(backend);
    results[backend] = {};
    for (const c of plan.cases) {
      process.stdout.write(`tfjs ${backend} ${key(c)}… `);
      results[backend][key(c)] = await timeCase(c, plan);
      process.stdout.write(`${results[backend][key(c)].fit.toFixed(1)} ms`);
      if (backend === 'wasm' && sklearn.skipped === undefined) {
        const run = runSklearn([c]);
        if (run.skipped !== undefined) sklearn = run;
        else {
          sklearn = { ...run, results: [...sklearn.results, ...run.results] };
          sk[key(c)] = {
            median: run.results[0].msPerIteration,
            min: Math.min(...run.results[0].rounds),
          };
          process.stdout.write(`, scikit-learn ${sk[key(c)].median.toFixed(1)} ms`);
        }
      }
      console.log('');
    }
  }
  if (sklearn.skipped !== undefined) console.log(`\nscikit-learn skipped: ${sklearn.skipped}`);
  else console.log(`\nscikit-learn ${sklearn.sklearn} (numpy ${sklearn.numpy}), one BLAS thread\n`);

  // Medians over the rounds, and minima: other work on the machine only ever adds time, so under
  // load the minima are the better estimate of the uncontended cost.
  const rows = [];
  for (const [backend, byCase] of Object.entries(results)) {
    for (const [name, r] of Object.entries(byCase)) {
      const ref = sk[name];
      const ratio = (a, b) => (ref === undefined ? '—' : (a / b).toFixed(2));
      rows.push({
        backend,
        case: name,
        'fit ms/iter': r.fit.toFixed(1),
        min: r.fitMin.toFixed(1),
        'emStep ms': r.emStep.toFixed(1),
        'sklearn ms/iter': ref === undefined ? '—' : ref.median.toFixed(1),
        'sklearn min': ref === undefined ? '—' : ref.min.toFixed(1),
        ratio: ratio(r.fit, ref?.median),
        'ratio of min': ratio(r.fitMin, ref?.min),
      });
    }
  }
  console.table(rows);
  const outDir = new URL('./results/', import.meta.url);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    new URL('em-latest.json', outDir),
    `${JSON.stringify({ n: N, k: K, results, sklearn, date: new Date().toISOString() }, null, 2)}\n`,
  );
  console.log('\nWrote bench/results/em-latest.json');
}

// Run as a script (node em.mjs); bench/run.mjs imports prepareFitter only.
if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
