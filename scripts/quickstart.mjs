#!/usr/bin/env node
// The README's main job: train the default model — a neural spline flow — on the built-in
// two-moons data set with the `gen` command (about two minutes on a 2-core machine), then list
// the report and plots it wrote. Extra arguments go to `gen train` (e.g. --steps 300).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const gen = join(root, 'apps/cli/dist/index.js');
const out = join(root, 'runs/quickstart');
const args = [
  'train',
  'flow',
  '--data',
  'moons',
  '--out',
  out,
  '--force',
  ...process.argv.slice(2),
];
console.log(
  `@gen quick start: gen ${args.map((a) => (a === out ? relative(root, out) : a)).join(' ')}\n`,
);
const run = spawnSync(process.execPath, [gen, ...args], { stdio: 'inherit' });
if (run.status !== 0) {
  console.error(
    `quick start: gen train exited with ${run.status ?? run.signal}; this install is broken`,
  );
  process.exit(run.status ?? 1);
}
const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
const plots = readdirSync(join(out, 'plots')).map((p) => join(relative(root, out), 'plots', p));
console.log(
  `\nquick start done: test NLL ${metrics.evaluation.nll.toFixed(3)} nats after ${metrics.step} steps in ${metrics.seconds} s; ` +
    `report ${relative(root, join(out, 'metrics.json'))}, plots ${plots.join(', ')}`,
);
