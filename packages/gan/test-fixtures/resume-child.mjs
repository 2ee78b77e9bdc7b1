// Runs part of a GAN training run in a fresh Node process, with no vitest and no TypeScript: the
// code comes from the bundle directory given as the first argument (built from the current
// sources by resume-process.test.ts). Trains scenario <name> to <steps> generator updates with
// checkpoints in <dir> every 5, from the start ('start') or resuming from <dir> ('resume'), and
// prints the weights and state as one JSON line.
//
//   node resume-child.mjs <bundle dir> <backend> <scenario name> <dir> <steps> start|resume
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [bundle, backend, name, dir, steps, mode] = process.argv.slice(2);
const { initBackend, fitAdversarial, scenarios, weightValues } = await import(
  pathToFileURL(join(bundle, 'index.js')).href
);

await initBackend(backend);
const scenario = scenarios[name];
const data = scenario.data();
// A resumed run starts from other initial weights: it must load them all from the checkpoint.
const gan = scenario.build(mode === 'resume' ? 7 : 0);
const result = await fitAdversarial(gan, data, {
  ...scenario.options(),
  steps: Number(steps),
  checkpoint: { dir, every: 5 },
  ...(mode === 'resume' ? { resume: dir } : {}),
});
console.log(
  JSON.stringify({ weights: await weightValues(gan), state: gan.getState(), step: result.step }),
);
